package sandbox

import (
	"container/list"
	"time"
)

// boundedMap is a map whose entries are dropped at a time given when they are
// put, and which holds at most max entries, dropping the oldest to make room.
// It is what keeps the sandbox's memory bounded under a flood of requests.
//
// Entries are kept in the order they were put. Every user puts entries that
// live equally long, so that is also the order they expire in: purging and
// evicting only ever look at the front, which costs O(1) per entry dropped.
// It is not safe for concurrent use; its users hold a lock.
type boundedMap[K comparable, V any] struct {
	max     int
	entries map[K]*list.Element
	order   *list.List // of *boundedEntry[K, V], oldest first
}

type boundedEntry[K comparable, V any] struct {
	key    K
	value  V
	dropAt time.Time
}

func newBoundedMap[K comparable, V any](max int) *boundedMap[K, V] {
	return &boundedMap[K, V]{max: max, entries: map[K]*list.Element{}, order: list.New()}
}

// get returns the value for key, unless it is absent or its drop time has come.
func (m *boundedMap[K, V]) get(key K, now time.Time) (V, bool) {
	el, ok := m.entries[key]
	if !ok {
		var zero V
		return zero, false
	}
	e := el.Value.(*boundedEntry[K, V])
	if !now.Before(e.dropAt) {
		m.remove(el)
		var zero V
		return zero, false
	}
	return e.value, true
}

// put sets key to value until dropAt, after dropping what is due and, if the
// map is still full, the oldest entries.
func (m *boundedMap[K, V]) put(key K, value V, dropAt, now time.Time) {
	m.delete(key)
	for el := m.order.Front(); el != nil && !now.Before(el.Value.(*boundedEntry[K, V]).dropAt); el = m.order.Front() {
		m.remove(el)
	}
	for m.order.Len() > 0 && m.order.Len() >= m.max {
		m.remove(m.order.Front())
	}
	m.entries[key] = m.order.PushBack(&boundedEntry[K, V]{key: key, value: value, dropAt: dropAt})
}

func (m *boundedMap[K, V]) delete(key K) {
	if el, ok := m.entries[key]; ok {
		m.remove(el)
	}
}

func (m *boundedMap[K, V]) len() int { return m.order.Len() }

func (m *boundedMap[K, V]) remove(el *list.Element) {
	delete(m.entries, el.Value.(*boundedEntry[K, V]).key)
	m.order.Remove(el)
}
