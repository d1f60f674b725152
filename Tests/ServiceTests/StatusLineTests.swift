import Testing
@testable import Service

@Suite("status line")
struct StatusLineTests {
    @Test func idleCountsInSingularAndPlural() {
        let one = PollTotals(tasks: 1, documents: 1, done: 1)
        #expect(StatusLine.idle(nextPollSeconds: 60, last: one, note: nil) == "idle, next poll in 60 s; last poll 1 task, 1 document")

        let several = PollTotals(tasks: 3, documents: 2, done: 2, failed: 1)
        #expect(StatusLine.idle(nextPollSeconds: 5, last: several, note: nil)
            == "idle, next poll in 5 s; last poll 3 tasks, 2 documents, 1 task failed")
    }

    @Test func workingCountsInSingularAndPlural() {
        #expect(StatusLine.working(inFlight: 1, queued: 0, documentsLeft: 1, last: nil, note: nil)
            == "transferring 1 task (1 document), 0 queued")
        #expect(StatusLine.working(inFlight: 2, queued: 4, documentsLeft: 7, last: nil, note: "reload failed")
            == "transferring 2 tasks (7 documents), 4 queued [reload failed]")
    }
}
