package manifest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Issue is one problem in a file, either an error or a warning.
type Issue struct {
	// File is the name the file was loaded under.
	File string
	// Line and Column are 1-based. Column is 0 when the YAML parser did not report one.
	Line, Column int
	// Path is the field, such as "businesses[0].numbers[1].forward_to", or empty for the whole file.
	Path string
	// Message describes the problem and how to fix it.
	Message string
}

// Error formats the issue as "file:line:column: path: message", leaving out the parts that are unknown.
func (i Issue) Error() string {
	var b strings.Builder
	b.WriteString(i.File)
	if i.Line > 0 {
		fmt.Fprintf(&b, ":%d", i.Line)
		if i.Column > 0 {
			fmt.Fprintf(&b, ":%d", i.Column)
		}
	}
	b.WriteString(": ")
	if i.Path != "" {
		b.WriteString(i.Path)
		b.WriteString(": ")
	}
	b.WriteString(i.Message)
	return b.String()
}

// Errors is every error found in a file, in file order. Parse and Load return it as their error, so that all
// problems can be fixed in one pass.
type Errors []Issue

// Error returns the issues one per line.
func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, issue := range e {
		lines[i] = issue.Error()
	}
	return strings.Join(lines, "\n")
}

// sortIssues orders issues by position. The sort is stable, so issues at one position keep the order in
// which they were found.
func sortIssues(issues []Issue) {
	slices.SortStableFunc(issues, func(a, b Issue) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

// checker collects the issues found while walking one file.
type checker struct {
	file      string
	lookupEnv func(string) (string, bool)
	// literal takes every value as written, without expanding ${NAME}.
	literal  bool
	errors   Errors
	warnings []Issue
}

func (c *checker) issue(n *yaml.Node, path, format string, args []any) Issue {
	issue := Issue{File: c.file, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		issue.Line, issue.Column = n.Line, n.Column
	}
	return issue
}

// errorf records an error at node n.
func (c *checker) errorf(n *yaml.Node, path, format string, args ...any) {
	c.errors = append(c.errors, c.issue(n, path, format, args))
}

// warnf records a warning at node n.
func (c *checker) warnf(n *yaml.Node, path, format string, args ...any) {
	c.warnings = append(c.warnings, c.issue(n, path, format, args))
}
