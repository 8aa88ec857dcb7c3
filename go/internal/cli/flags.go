// Flag-level errors: pflag's errors in design.md's wording, and switches that take no value.

package cli

import (
	"errors"
	"strconv"

	"github.com/spf13/pflag"

	"mvrc/internal/errs"
)

var (
	errHelp         = errors.New("help requested")
	errTakesNoValue = errors.New("takes no value")
)

// bare is what pflag passes for a switch written without a value. argv can never hold a
// NUL byte, so any other value (--overlay=true) was typed by the user and is refused.
const bare = "\x00"

// switchFlag is a boolean flag that takes no value; the help switch stops parsing at once.
type switchFlag bool

func (s *switchFlag) Set(value string) error {
	if value != bare {
		return errTakesNoValue
	}
	*s = true
	return nil
}

func (s *switchFlag) String() string { return strconv.FormatBool(bool(*s)) }
func (s *switchFlag) Type() string   { return "" }

// helpFlag is -h/--help: setting it ends parsing, so options after it are not checked.
type helpFlag struct{ switchFlag }

func (h *helpFlag) Set(value string) error {
	if err := h.switchFlag.Set(value); err != nil {
		return err
	}
	return errHelp
}

// flagError rewrites pflag's error as mvrc's usage line.
func flagError(err error) error {
	var unknown *pflag.NotExistError
	var missing *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &unknown):
		return errs.Usagef("unknown flag %q", dashed(unknown.GetSpecifiedName(), unknown.GetSpecifiedShortnames()))
	case errors.As(err, &missing):
		return errs.Usagef("flag %q needs a value", dashed(missing.GetSpecifiedName(), missing.GetSpecifiedShortnames()))
	case errors.As(err, &invalid) && errors.Is(err, errTakesNoValue):
		return errs.Usagef("flag %q takes no value", "--"+invalid.GetFlag().Name)
	case errors.As(err, &syntax):
		return errs.Usagef("unknown flag %q", syntax.GetSpecifiedFlag())
	}
	return errs.Usagef("%w", err)
}

// dashed spells a flag as the user typed it: -x inside a group of shorthands, else --name.
func dashed(name, shorthands string) string {
	if shorthands != "" {
		return "-" + name
	}
	return "--" + name
}
