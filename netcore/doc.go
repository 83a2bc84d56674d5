// Package netcore is the instrumented network core of tubes: a TCP server
// whose every connection event and byte becomes an Event, the app's own
// client, the tap that sits in front of a learner's server, the bounded
// Inbox the UI drains, the one escaping function for untrusted bytes, the
// transcript format and the recorder.
//
// It knows nothing of lessons or the screen. The lesson servers live in
// netcore/behaviors and the HTTP wire code in netcore/httpwire, both
// written on this package's exported API.
//
// Where to change things: server limits and defaults in server.go
// (DefaultConfig), a connection's reads and writes in conn.go, the tap in
// tap.go, what reaches the terminal in escape.go.
package netcore
