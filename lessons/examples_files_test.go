package lessons_test

// The example programs of the files and compression lessons complete their
// lessons' steps through the tap. files/4 is left out: its text sends back
// the built-in folder's fixed Last-Modified, and the example serves real
// files, whose times are when they were checked out.
func init() {
	exampleSteps["files"] = struct {
		steps []int
		flags map[int][]string
		why   string
	}{steps: []int{1, 2, 3, 5}, why: "step 4 quotes the built-in files' fixed Last-Modified; the example's files have their own"}
	exampleSteps["compression"] = struct {
		steps []int
		flags map[int][]string
		why   string
	}{steps: []int{1, 2, 3, 4}}
}
