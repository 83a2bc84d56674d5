package usage

import (
	"errors"
	"fmt"
	"testing"
)

func TestIs(t *testing.T) {
	if !Is(fmt.Errorf("while starting: %w", Bad("usage.port.range", "--port", 7))) {
		t.Error("a wrapped usage error is not seen as one")
	}
	if Is(errors.New("port in use")) || Is(nil) || Wrap(nil) != nil {
		t.Error("plain errors and nil are not bad usage")
	}
}
