package session

import (
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// CheckCourse is what tubes check needs of the course (probe.Course),
// with o's --lang.
func CheckCourse(o *Options) probe.Course { return checkCourse{o} }

type checkCourse struct{ o *Options }

func (c checkCourse) Set(id string) (probe.Set, bool) { return lessons.Probes(id) }
func (c checkCourse) Lang() (string, error)           { return c.o.Language() }

func (c checkCourse) Next(id string) string {
	ids := lessons.IDs()
	for i, x := range ids {
		if x == id && i+1 < len(ids) {
			return ids[i+1]
		}
	}
	return ""
}

func (c checkCourse) TubesPorts() []int {
	dir, err := lessons.StateDir()
	if err != nil {
		return nil
	}
	return lessons.ServingPorts(dir)
}

// MarkBuilt records in the progress file that id's server was built.
func (c checkCourse) MarkBuilt(id string) error {
	dir, err := lessons.StateDir()
	if err != nil {
		return nil // no state directory: nothing to record in
	}
	store, p, _, err := lessons.OpenStore(dir)
	if err != nil {
		return progressError(dir, err)
	}
	if p.Built(id) {
		return nil
	}
	p.MarkBuilt(id)
	if err := store.Save(p, 1); err != nil {
		return usage.Fail("err.progress.built", netcore.Quote(store.Path()), Reason(err))
	}
	return nil
}
