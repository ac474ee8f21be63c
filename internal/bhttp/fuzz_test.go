package bhttp

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkDecodeError wants every failure to be one of the package's sentinels:
// a caller maps errors to answers with errors.Is, and an error that matches
// none of them would be mapped to a 500.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %q is neither ErrMalformed nor ErrTooLarge", err)
	}
}

// fuzzLimits are small, so the fuzzer reaches them.
var fuzzLimits = Limits{MaxFieldSectionSize: 512, MaxFields: 8, MaxBodySize: 1024, MaxInformational: 3, MaxControlDataSize: 256}

func FuzzUnmarshalRequest(f *testing.F) {
	for _, h := range []string{rfc9292KnownRequest, rfc9292IndeterminateRequest, rfc9458Request} {
		f.Add(unhex(f, h))
	}
	for _, r := range []*Request{
		rfc9292Request(),
		{Method: "POST", Scheme: "https", Authority: "a", Path: "/p", Body: []byte("b"), Trailer: Fields{{"t", "v"}}},
	} {
		b, err := r.MarshalBinary()
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add(cat(v(2), getRoot[1:], s("a"), s("b"), v(0), v(1), []byte("x"), v(0), s("t"), s("u"), v(0), []byte{0, 0}))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := UnmarshalRequest(in, fuzzLimits)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		// What decodes must encode, and decode again to the same request.
		b, err := r.MarshalBinary()
		require.NoError(t, err)
		again, err := UnmarshalRequest(b, fuzzLimits)
		require.NoError(t, err)
		require.Equal(t, r, again)
	})
}

func FuzzUnmarshalResponse(f *testing.F) {
	for _, h := range []string{rfc9292IndeterminateResponse, rfc9292KnownResponse, "0140c8"} {
		f.Add(unhex(f, h))
	}
	b, err := (&Response{
		Informational: []InfoResponse{{Status: 100}, {Status: 103, Header: Fields{{"link", "</a>"}}}},
		Status:        404, Header: Fields{{"a", "b"}}, Body: []byte("nope"), Trailer: Fields{{"c", "d"}},
	}).MarshalBinary()
	require.NoError(f, err)
	f.Add(b)
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := UnmarshalResponse(in, fuzzLimits)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		b, err := r.MarshalBinary()
		require.NoError(t, err)
		again, err := UnmarshalResponse(b, fuzzLimits)
		require.NoError(t, err)
		require.Equal(t, r, again)
	})
}
