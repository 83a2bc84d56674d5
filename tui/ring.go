package tui

// ring keeps the newest items up to a fixed count, so the panes' memory is
// bounded however much traffic arrives.
type ring[T any] struct {
	items []T
	head  int    // index of the oldest item
	size  int    // items held
	total uint64 // items ever added; the newest has sequence number total
}

func newRing[T any](capacity int) *ring[T] { return &ring[T]{items: make([]T, capacity)} }

func (r *ring[T]) add(v T) {
	if r.size < len(r.items) {
		r.items[(r.head+r.size)%len(r.items)] = v
		r.size++
	} else {
		r.items[r.head] = v
		r.head = (r.head + 1) % len(r.items)
	}
	r.total++
}

// skip counts an item without storing it. Only for an item that at least
// capacity later adds would push out anyway: the ring then holds exactly
// what it would have held, and total still counts every item.
func (r *ring[T]) skip() { r.total++ }

// at returns item i, 0 being the oldest held.
func (r *ring[T]) at(i int) T { return r.items[(r.head+i)%len(r.items)] }

// visible is how many of the oldest items were added up to sequence upTo:
// a paused view shows only those.
func (r *ring[T]) visible(upTo uint64) int {
	newer := r.total - min(upTo, r.total)
	if newer >= uint64(r.size) {
		return 0
	}
	return r.size - int(newer)
}

func (r *ring[T]) clear() {
	var zero T
	for i := range r.items {
		r.items[i] = zero
	}
	r.head, r.size = 0, 0
}
