// Package state holds what the server remembers between requests, each kind
// behind one interface: the per-address rate limits (Limiter), the replay
// window of sealed requests (ReplayWindow) and what clients write to the
// sandbox (Records). This package has their in-memory
// implementations, the default, which need nothing to run; statetest is the
// test suite every implementation must pass, so that one that keeps the state
// elsewhere (shared by several instances) behaves the same.
//
// Every method takes a context and returns an error: an implementation that
// keeps its state elsewhere can fail, and its caller then refuses the
// request (fails closed) rather than let it through unchecked. The in-memory
// ones never fail.
//
// What strangers can make grow is bounded by construction: a limiter's
// entries go once their bucket is full again, up to a fixed number of keys;
// the replay window is a fixed set of time-bucketed Bloom filters; records
// expire, and are bounded per owner and in all. None ever drops a live entry
// to make room for a stranger's.
package state
