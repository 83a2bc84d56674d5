package usage

import (
	"errors"

	"github.com/spf13/pflag"
	"github.com/tubes-course/tubes/netcore"
)

// FlagError rewords a flag parsing error as bad usage, with the name and
// the value the user typed quoted through netcore.Quote.
func FlagError(err error) error {
	var notExist *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	var required *pflag.ValueRequiredError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &notExist):
		name := "--" + notExist.GetSpecifiedName()
		if notExist.GetSpecifiedName() == "" {
			name = "-" + notExist.GetSpecifiedShortnames()
		}
		return Errorf("unknown flag %s for this command (see its --help)", netcore.Quote(name))
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return Errorf("bad --%s %s: want %s", f.Name, netcore.Quote(invalid.GetValue()), wants(f.Value.Type()))
	case errors.As(err, &required):
		return Errorf("--%s needs a value", required.GetFlag().Name)
	case errors.As(err, &syntax):
		return Errorf("bad flag %s", netcore.Quote(syntax.GetSpecifiedFlag()))
	}
	return Wrap(err)
}

// wants says what a flag of a pflag type takes.
func wants(kind string) string {
	switch kind {
	case "int", "int64", "uint", "uint64":
		return "a whole number"
	case "float64":
		return "a number"
	case "duration":
		return "a duration like 5s or 1m"
	case "bool":
		return "true or false"
	}
	return "a " + kind
}
