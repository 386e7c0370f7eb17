package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

func runVersion(_ context.Context, args []string, streams IO) error {
	fs := newFlags("version", "", streams)
	if err := parse(fs, args); err != nil {
		return err
	}
	info, ok := debug.ReadBuildInfo()
	fmt.Fprintln(streams.Stdout, versionLine(info, ok))
	return nil
}

// versionLine describes the build: the module version ("(devel)" for a build from a clone), the
// version control revision and time when the build recorded them, and the Go version.
func versionLine(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "textback (version unknown: the binary carries no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	line := "textback " + version
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if revision := settings["vcs.revision"]; revision != "" {
		line += ", revision " + revision
		if settings["vcs.modified"] == "true" {
			line += " with uncommitted changes"
		}
		if at := settings["vcs.time"]; at != "" {
			line += ", committed " + at
		}
	}
	if info.GoVersion != "" {
		line += ", built with " + info.GoVersion
	}
	return line
}
