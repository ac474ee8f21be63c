package bhttp

// Limits bounds what the decoder accepts. A zero or negative field takes the
// default from [DefaultLimits].
type Limits struct {
	// MaxMessageSize bounds the whole encoded message, padding included.
	MaxMessageSize int
	// MaxControlDataSize bounds the method, scheme, authority and path of a
	// request together.
	MaxControlDataSize int
	// MaxFieldSectionSize bounds one header or trailer section as encoded,
	// length prefixes of names and values included.
	MaxFieldSectionSize int
	// MaxFields bounds the field lines of one section.
	MaxFields int
	// MaxBodySize bounds the content.
	MaxBodySize int
	// MaxInformational bounds the informational (1xx) responses before a
	// final response.
	MaxInformational int
}

// DefaultLimits are the limits a zero Limits stands for. They fit the
// playground's traffic (token requests and small JSON answers) with room to
// spare, and keep what one message can make a gateway allocate to a few MiB.
var DefaultLimits = Limits{
	MaxMessageSize:      8<<20 + 512<<10,
	MaxControlDataSize:  16 << 10,
	MaxFieldSectionSize: 64 << 10,
	MaxFields:           256,
	MaxBodySize:         8 << 20,
	MaxInformational:    16,
}

func (l Limits) withDefaults() Limits {
	orDefault := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	return Limits{
		MaxMessageSize:      orDefault(l.MaxMessageSize, DefaultLimits.MaxMessageSize),
		MaxControlDataSize:  orDefault(l.MaxControlDataSize, DefaultLimits.MaxControlDataSize),
		MaxFieldSectionSize: orDefault(l.MaxFieldSectionSize, DefaultLimits.MaxFieldSectionSize),
		MaxFields:           orDefault(l.MaxFields, DefaultLimits.MaxFields),
		MaxBodySize:         orDefault(l.MaxBodySize, DefaultLimits.MaxBodySize),
		MaxInformational:    orDefault(l.MaxInformational, DefaultLimits.MaxInformational),
	}
}
