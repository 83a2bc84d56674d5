// Package probe is `tubes check`: for each lesson a set of probes that test
// a learner's own server over real connections, each keeping every byte
// sent and received and giving a verdict (with the first wrong byte and a
// command that reproduces it), and the report printed from them.
//
// A probe set is named in the course registry (lessons/course.go). Add a
// probe to a set in tcp.go or http.go.
package probe
