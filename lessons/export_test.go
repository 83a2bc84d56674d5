package lessons

import "time"

// SetReplyWait shortens how long an action waits for a reply, for a test;
// the returned func puts it back.
func SetReplyWait(d time.Duration) (restore func()) {
	old := replyWaitNs.Swap(int64(d))
	return func() { replyWaitNs.Store(old) }
}
