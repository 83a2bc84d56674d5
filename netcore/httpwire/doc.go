// Package httpwire is the HTTP/1.1 wire code the lessons show: a small,
// strict request parser whose verdicts agree with net/http's on the same
// bytes (fuzzed against it), and a response analyzer that finds the first
// byte breaking a rule of a well-formed response.
package httpwire
