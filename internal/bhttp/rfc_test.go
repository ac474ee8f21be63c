package bhttp

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unhex decodes hex written in the RFCs' four-byte groups.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	require.NoError(t, err)
	return b
}

// RFC 9292 §5.1, the known-length encoding of the example request.
const rfc9292KnownRequest = `
00034745 54056874 74707300 0a2f6865
6c6c6f2e 74787440 6c0a7573 65722d61
67656e74 34637572 6c2f372e 31362e33
206c6962 6375726c 2f372e31 362e3320
4f70656e 53534c2f 302e392e 376c207a
6c69622f 312e322e 3304686f 73740f77
77772e65 78616d70 6c652e63 6f6d0f61
63636570 742d6c61 6e677561 67650665
6e2c206d 690000`

// RFC 9292 §5.1, the indeterminate-length encoding of the same request.
const rfc9292IndeterminateRequest = `
02034745 54056874 74707300 0a2f6865
6c6c6f2e 7478740a 75736572 2d616765
6e743463 75726c2f 372e3136 2e33206c
69626375 726c2f37 2e31362e 33204f70
656e5353 4c2f302e 392e376c 207a6c69
622f312e 322e3304 686f7374 0f777777
2e657861 6d706c65 2e636f6d 0f616363
6570742d 6c616e67 75616765 06656e2c
206d6900 0000`

// RFC 9292 §5.2, an indeterminate-length response with two informational
// responses before the final one.
const rfc9292IndeterminateResponse = `
03406607 72756e6e 696e670a 22736c65
65702031 35220040 67046c69 6e6b233c
2f737479 6c652e63 73733e3b 2072656c
3d707265 6c6f6164 3b206173 3d737479
6c65046c 696e6b24 3c2f7363 72697074
2e6a733e 3b207265 6c3d7072 656c6f61
643b2061 733d7363 72697074 0040c804
64617465 1d4d6f6e 2c203237 204a756c
20323030 39203132 3a32383a 35332047
4d540673 65727665 72064170 61636865
0d6c6173 742d6d6f 64696669 65641d57
65642c20 3232204a 756c2032 30303920
31393a31 353a3536 20474d54 04657461
67142233 34616133 38372d64 2d313536
38656230 30220d61 63636570 742d7261
6e676573 05627974 65730e63 6f6e7465
6e742d6c 656e6774 68023531 04766172
790f4163 63657074 2d456e63 6f64696e
670c636f 6e74656e 742d7479 70650a74
6578742f 706c6169 6e003348 656c6c6f
20576f72 6c642120 4d792063 6f6e7465
6e742069 6e636c75 64657320 61207472
61696c69 6e672043 524c462e 0d0a0000`

// RFC 9292 §5.2, a known-length response with content and a trailer.
const rfc9292KnownResponse = `
0140c800 1d546869 7320636f 6e74656e
7420636f 6e746169 6e732043 524c462e
0d0a0d07 74726169 6c657204 74657874`

// RFC 9458 Appendix A, the request it seals: header section, content and
// trailers all left off.
const rfc9458Request = `00034745540568747470730b6578616d706c652e636f6d012f`

func rfc9292Request() *Request {
	return &Request{
		Method: "GET", Scheme: "https", Path: "/hello.txt",
		Header: Fields{
			{"user-agent", "curl/7.16.3 libcurl/7.16.3 OpenSSL/0.9.7l zlib/1.2.3"},
			{"host", "www.example.com"},
			{"accept-language", "en, mi"},
		},
	}
}

func TestRFC9292Requests(t *testing.T) {
	known := unhex(t, rfc9292KnownRequest)
	indeterminate := unhex(t, rfc9292IndeterminateRequest)
	tests := []struct {
		name string
		in   []byte
	}{
		{"known length", known},
		// §5.1: "the last two bytes ... can each be removed".
		{"known length, trailers left off", known[:len(known)-1]},
		{"known length, content and trailers left off", known[:len(known)-2]},
		{"known length, padded", append(append([]byte{}, known...), 0, 0, 0, 0)},
		{"indeterminate length", indeterminate},
		{"indeterminate length, trailers left off", indeterminate[:len(indeterminate)-1]},
		{"indeterminate length, content and trailers left off", indeterminate[:len(indeterminate)-2]},
		{"indeterminate length, padded", append(append([]byte{}, indeterminate...), make([]byte, 12)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnmarshalRequest(tt.in, Limits{})
			require.NoError(t, err)
			assert.Equal(t, rfc9292Request(), got)
		})
	}
}

func TestRFC9292RequestEncodes(t *testing.T) {
	got, err := rfc9292Request().MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, hex.EncodeToString(unhex(t, rfc9292KnownRequest)), hex.EncodeToString(got))
}

func TestRFC9292Responses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Response
	}{
		{
			name: "indeterminate length with informational responses",
			in:   rfc9292IndeterminateResponse,
			want: &Response{
				Informational: []InfoResponse{
					{Status: 102, Header: Fields{{"running", `"sleep 15"`}}},
					{Status: 103, Header: Fields{
						{"link", "</style.css>; rel=preload; as=style"},
						{"link", "</script.js>; rel=preload; as=script"},
					}},
				},
				Status: 200,
				Header: Fields{
					{"date", "Mon, 27 Jul 2009 12:28:53 GMT"},
					{"server", "Apache"},
					{"last-modified", "Wed, 22 Jul 2009 19:15:56 GMT"},
					{"etag", `"34aa387-d-1568eb00"`},
					{"accept-ranges", "bytes"},
					{"content-length", "51"},
					{"vary", "Accept-Encoding"},
					{"content-type", "text/plain"},
				},
				Body: []byte("Hello World! My content includes a trailing CRLF.\r\n"),
			},
		},
		{
			name: "known length with trailer",
			in:   rfc9292KnownResponse,
			want: &Response{
				Status:  200,
				Body:    []byte("This content contains CRLF.\r\n"),
				Trailer: Fields{{"trailer", "text"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnmarshalResponse(unhex(t, tt.in), Limits{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRFC9292ResponseEncodes(t *testing.T) {
	r := &Response{Status: 200, Body: []byte("This content contains CRLF.\r\n"), Trailer: Fields{{"trailer", "text"}}}
	got, err := r.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, hex.EncodeToString(unhex(t, rfc9292KnownResponse)), hex.EncodeToString(got))
}

func TestRFC9458Request(t *testing.T) {
	got, err := UnmarshalRequest(unhex(t, rfc9458Request), Limits{})
	require.NoError(t, err)
	assert.Equal(t, &Request{Method: "GET", Scheme: "https", Authority: "example.com", Path: "/"}, got)

	// The RFC 9458 response is a bare 200, every section left off.
	resp, err := UnmarshalResponse(unhex(t, "0140c8"), Limits{})
	require.NoError(t, err)
	assert.Equal(t, &Response{Status: 200}, resp)
}
