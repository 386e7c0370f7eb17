package manifest

import (
	"fmt"
	"strings"
)

// expand replaces each ${NAME} in s with the value of the environment variable NAME and each $$ with $.
// A $ followed by anything else stays as it is, so "$20" needs no escape. It returns an error naming the
// variable when lookupEnv does not find it, and an error when a ${ is not closed or the name is invalid.
func expand(s string, lookupEnv func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 || i == len(s)-1 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			s = s[i+2:]
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed ${ in the value: write ${NAME} for an environment variable, or $$ " +
					"for a literal $")
			}
			name := s[i+2 : i+2+end]
			if !validEnvName(name) {
				return "", fmt.Errorf("invalid environment variable name %s in ${...}: use letters, digits and "+
					"underscores, not starting with a digit, or write $$ for a literal $", quote(name))
			}
			value, ok := lookupEnv(name)
			if !ok {
				return "", fmt.Errorf("environment variable %s is not set: set it before loading the file, or "+
					"write $$ for a literal $", name)
			}
			b.WriteString(value)
			s = s[i+2+end+1:]
		default:
			b.WriteByte('$')
			s = s[i+1:]
		}
	}
}

func validEnvName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for _, r := range name {
		if r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
