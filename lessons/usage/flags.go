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
		return Bad("usage.flag.unknown", netcore.Quote(name))
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return Bad(wants(f.Value.Type()), "--"+f.Name, netcore.Quote(invalid.GetValue()))
	case errors.As(err, &required):
		return Bad("usage.flag.novalue", "--"+required.GetFlag().Name)
	case errors.As(err, &syntax):
		return Bad("usage.flag.syntax", netcore.Quote(syntax.GetSpecifiedFlag()))
	}
	return Wrap(err)
}

// wants is the key that says what a flag of a pflag type takes, for a
// bad value of it.
func wants(kind string) string {
	switch kind {
	case "int", "int64", "uint", "uint64":
		return "usage.flag.want.whole"
	case "float64":
		return "usage.flag.want.number"
	case "duration":
		return "usage.flag.want.duration"
	case "bool":
		return "usage.flag.want.bool"
	case "size":
		return "usage.flag.want.size"
	}
	return "usage.flag.bad"
}
