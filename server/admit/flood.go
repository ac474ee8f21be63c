package admit

import "time"

// floodWatch notices the end of a flood: it runs fn a second after a level
// (bytes in flight, connections open) falls to low having been over
// high, at most every 5 seconds. The server returns the memory a flood left
// to the system then, rather than hold it until the next collection, which
// an idle server may not run for minutes. (The second lets handlers still
// finishing drop what they held.) Its user holds a lock around observe.
type floodWatch struct {
	fn        func()
	high, low int64
	flooded   bool
	last      time.Time
}

// refused says a newcomer was refused: a flood too, though the level may
// never pass high when the flood is shared out (uploads by address and
// range), and what the refused held (a connection's buffers) is memory too.
func (w *floodWatch) refused() { w.flooded = w.fn != nil }

func (w *floodWatch) observe(level int64) {
	switch {
	case w.fn == nil:
	case level > w.high:
		w.flooded = true
	case w.flooded && level <= w.low && time.Since(w.last) > 5*time.Second:
		w.flooded, w.last = false, time.Now()
		time.AfterFunc(time.Second, w.fn)
	}
}
