import Testing
@testable import GatherCurl

@Suite struct RequestPlanTests {
    @Test func standardMethods() {
        #expect(RequestPlan.make(method: "GET", hasBody: true) == RequestPlan(verb: .get, sendsBody: false))
        #expect(RequestPlan.make(method: "HEAD", hasBody: false) == RequestPlan(verb: .head, sendsBody: false))
        #expect(RequestPlan.make(method: "POST", hasBody: false) == RequestPlan(verb: .post, sendsBody: true))
        #expect(RequestPlan.make(method: "PUT", hasBody: false) == RequestPlan(verb: .custom, sendsBody: true))
        #expect(RequestPlan.make(method: "PATCH", hasBody: true) == RequestPlan(verb: .custom, sendsBody: true))
        #expect(RequestPlan.make(method: "DELETE", hasBody: false) == RequestPlan(verb: .custom, sendsBody: false))
        #expect(RequestPlan.make(method: "OPTIONS", hasBody: true) == RequestPlan(verb: .custom, sendsBody: true))
    }

    @Test func rejectsNonTokenMethods() {
        #expect(RequestPlan.make(method: "", hasBody: false) == nil)
        #expect(RequestPlan.make(method: "GET /x HTTP/1.1\r\n", hasBody: false) == nil)
        #expect(RequestPlan.make(method: "G ET", hasBody: false) == nil)
    }
}
