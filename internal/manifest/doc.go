// Package manifest loads and validates textback.yaml, the file that declares an installation's provider
// accounts and its businesses. For each business it declares the name, time zone, opening hours, phone numbers
// and text-back settings, the conversation settings, the team, how the team is alerted, the follow-ups and the
// quiet hours.
//
// Loading reads only the file and the environment. It never opens a database, so a file can be checked
// before it is applied. Applying a file creates or updates each provider, business and number by its name,
// slug or E.164 number, so it is safe to apply the same file again.
//
// Secrets such as auth_token do not belong in the file. Write ${NAME} to take a value from the environment
// variable NAME, and $$ for a literal $. Error messages never quote a secret.
//
// Validation reports every problem at once, each with its file, line, column and field path, so that one
// edit can fix them all. Problems that do not stop the file from working are returned as warnings.
package manifest
