package manifest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// mapping is a YAML mapping whose keys have been checked against the keys its section allows.
type mapping struct {
	node   *yaml.Node
	path   string
	keys   map[string]*yaml.Node
	values map[string]*yaml.Node
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	// An alias may name another alias, and a malformed file could make them name each other, so stop after a
	// few steps.
	for range 16 {
		if n == nil || n.Kind != yaml.AliasNode {
			return n
		}
		n = n.Alias
	}
	return nil
}

// isNull reports whether n is absent or an explicit null, as in "key:" with no value.
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// join appends a key to a field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a field path.
func index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

// mapping checks that n is a mapping with only allowed keys, each at most once, and returns it. A null n
// gives an empty mapping. It returns nil after recording an error when n is not a mapping.
func (c *checker) mapping(n *yaml.Node, path string, allowed []string) *mapping {
	return c.mappingWith(n, path, allowed, nil)
}

// mappingWith is mapping, except that unknown returns the message for a key that allowed does not contain. A
// nil unknown gives the message "unknown key ...: allowed keys are ...".
func (c *checker) mappingWith(n *yaml.Node, path string, allowed []string, unknown func(key string) string) *mapping {
	m := &mapping{node: n, path: path, keys: map[string]*yaml.Node{}, values: map[string]*yaml.Node{}}
	if isNull(n) {
		return m
	}
	n = resolve(n)
	m.node = n
	if n.Kind != yaml.MappingNode {
		c.errorf(n, path, "expected a mapping of keys such as %s, found %s", strings.Join(allowed, ", "), describe(n))
		return nil
	}

	for i := 0; i+1 < len(n.Content); i += 2 {
		keyNode, valueNode := n.Content[i], n.Content[i+1]
		key, ok := c.key(keyNode, path)
		if !ok {
			continue
		}
		if !slices.Contains(allowed, key) {
			if unknown != nil {
				c.errorf(keyNode, join(path, key), "%s", unknown(key))
			} else {
				c.errorf(keyNode, join(path, key), "unknown key %s: allowed keys are %s", quote(key),
					strings.Join(allowed, ", "))
			}
			continue
		}
		if first, ok := m.keys[key]; ok {
			c.errorf(keyNode, join(path, key), "duplicate key %s, first set at line %d: keep one of them", quote(key),
				first.Line)
			continue
		}
		m.keys[key], m.values[key] = keyNode, valueNode
	}
	return m
}

// key returns the text of a mapping key, recording an error when the key is not a plain scalar.
func (c *checker) key(n *yaml.Node, path string) (string, bool) {
	resolved := resolve(n)
	if resolved == nil || resolved.Kind != yaml.ScalarNode || resolved.Tag == "!!null" {
		c.errorf(n, path, "invalid key: keys must be plain names such as %q", "name")
		return "", false
	}
	return resolved.Value, true
}

// has reports whether key is set to a value other than null.
func (m *mapping) has(key string) bool {
	return !isNull(m.values[key])
}

// at returns the node to report a problem with key at: its value, else its key, else the whole mapping.
func (m *mapping) at(key string) *yaml.Node {
	if v := resolve(m.values[key]); v != nil {
		return v
	}
	if k := m.keys[key]; k != nil {
		return k
	}
	return m.node
}

// string returns the value of key with environment variables expanded. ok is false when the key is absent
// or null, or when its value is not a scalar or does not expand, which records an error.
func (c *checker) string(m *mapping, key string) (value string, ok bool) {
	return c.scalar(m.values[key], join(m.path, key))
}

// scalar returns the value of n with environment variables expanded, like string.
func (c *checker) scalar(n *yaml.Node, path string) (string, bool) {
	if isNull(n) {
		return "", false
	}
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		c.errorf(n, path, "expected a single value, found %s", describe(n))
		return "", false
	}
	if c.literal {
		return n.Value, true
	}
	expanded, err := expand(n.Value, c.lookupEnv)
	if err != nil {
		c.errorf(n, path, "%v", err)
		return "", false
	}
	return expanded, true
}

// required returns the value of key like string, and records an error when the key is absent or blank.
// hint completes the sentence "set it to ...".
func (c *checker) required(m *mapping, key, hint string) (string, bool) {
	if !m.has(key) {
		c.errorf(m.at(key), join(m.path, key), "missing %s: set it to %s", key, hint)
		return "", false
	}
	value, ok := c.string(m, key)
	if !ok {
		return "", false
	}
	if strings.TrimSpace(value) == "" {
		c.errorf(m.at(key), join(m.path, key), "%s is empty: set it to %s", key, hint)
		return "", false
	}
	return value, true
}

// bool returns the value of key, or def when the key is absent or invalid.
func (c *checker) bool(m *mapping, key string, def bool) bool {
	value, ok := c.string(m, key)
	if !ok {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "true":
		return true
	case "false":
		return false
	}
	c.errorf(m.at(key), join(m.path, key), "invalid value %s: use true or false", quote(value))
	return def
}

// durationRange is the range of values that a duration key accepts.
type durationRange struct {
	min, max time.Duration
	// zero allows 0 as well, for a setting that 0 turns off.
	zero bool
	// text describes the range in messages, such as "from 1m to 30d".
	text string
}

// wholeDays matches a duration written in days, such as "2d", which time.ParseDuration does not read.
var wholeDays = regexp.MustCompile(`^([0-9]+)d$`)

// duration returns the duration at key, written as a Go duration such as 90m or as whole days such as 2d. It
// returns def when the key is absent, and def after recording an error when the value is invalid or outside r.
func (c *checker) duration(m *mapping, key string, def time.Duration, r durationRange) time.Duration {
	raw, ok := c.string(m, key)
	if !ok {
		return def
	}
	text := strings.TrimSpace(raw)
	value, err := time.ParseDuration(text)
	if match := wholeDays.FindStringSubmatch(text); match != nil {
		days, convErr := strconv.Atoi(match[1])
		value, err = time.Duration(days)*24*time.Hour, convErr
		if days > int(r.max/(24*time.Hour)) {
			// Keep a huge day count from overflowing into a duration that passes the range check.
			value = r.max + 1
		}
	}
	path := join(m.path, key)
	if err != nil {
		c.errorf(m.at(key), path, "invalid %s %s: use a duration such as 90m or 24h, or whole days such as 2d", key,
			quote(raw))
		return def
	}
	if (value != 0 || !r.zero) && (value < r.min || value > r.max) {
		c.errorf(m.at(key), path, "%s %s is out of range: use %s", key, quote(raw), r.text)
		return def
	}
	return value
}

// integer returns the whole number at key, or def when the key is absent. It records an error and returns def
// when the value is not a whole number from low to high.
func (c *checker) integer(m *mapping, key string, def, low, high int) int {
	raw, ok := c.string(m, key)
	if !ok {
		return def
	}
	value, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || value < low || value > high {
		c.errorf(m.at(key), join(m.path, key), "invalid %s %s: use a whole number from %d to %d", key, quote(raw),
			low, high)
		return def
	}
	return value
}

// sequence returns the items of the list at key. ok is false when the value is not a list, which records an
// error. An absent or null key gives no items and ok true.
func (c *checker) sequence(m *mapping, key string) (items []*yaml.Node, ok bool) {
	n := resolve(m.values[key])
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		c.errorf(n, join(m.path, key), "expected a list of items, each starting with -, found %s", describe(n))
		return nil, false
	}
	return n.Content, true
}

// describe names the kind of a node for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "the value " + quote(n.Value)
	}
	return "an empty value"
}

// maxQuoted is the maximum number of bytes of a value that a message quotes.
const maxQuoted = 64

// quote quotes a value from the file for a message, cut to maxQuoted bytes. Never pass it a secret.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:maxQuoted]) + "..."
}
