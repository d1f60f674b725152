import Foundation
import HTTP

/// Workfront's REST API: task search, document and task updates, notes and
/// document downloads, over one `HTTPClient` with a shared session.
public final class WorkfrontClient: Sendable {
    /// Scheme and host of the tenant.
    let host: String
    /// `https://host/attask/api/v21.0`
    let apiBase: String
    let http: HTTPClient
    let sessions: SessionProvider

    public init(host: String, apiVersion: String, sessions: SessionProvider, http: HTTPClient) {
        self.host = host
        self.apiBase = "\(host)/attask/api/\(apiVersion)"
        self.sessions = sessions
        self.http = http
    }

    /// Signs in now, so that refused credentials show before any work starts.
    public func signIn() throws(WorkfrontError) {
        _ = try sessions.authenticationHeader()
    }

    // MARK: Calls

    /// Runs one API call and returns its `data`. An expired or refused
    /// session is renewed and the call sent once more.
    func call(_ method: String, _ path: String, query: [(String, String)] = [], json: [String: String]? = nil) throws(WorkfrontError) -> Any {
        let name = "\(method) \(path)"
        var url = "\(apiBase)/\(path)"
        if !query.isEmpty {
            url += "?" + FormEncoding.encode(query)
        }
        var renewed = false
        while true {
            let auth = try sessions.authenticationHeader()
            var headers = [auth, HTTPHeader("Accept", "application/json")]
            var body = HTTPRequestBody.empty
            if let json {
                headers.append(HTTPHeader("Content-Type", "application/json; charset=utf-8"))
                let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
                body = .bytes(Array(data))
            }
            let response: HTTPResponse
            do {
                response = try http.perform(HTTPRequest(method: method, url: url, headers: headers, body: body),
                                            maxBodyBytes: 64 * 1024 * 1024)
            } catch let error as HTTPError {
                throw WorkfrontError(transport: error, request: name)
            } catch {
                throw WorkfrontError(kind: .transport, request: name, message: "\(error)")
            }
            do {
                return try ResponseBody.data(of: response, request: name)
            } catch let error where error.kind == .authentication {
                guard !renewed else {
                    throw error.seenAfterRenewal()
                }
                sessions.invalidate(auth)
                renewed = true
            }
        }
    }

    // MARK: Tasks

    /// The fields discovery requests: the task, its project's name, and each
    /// document with its current version.
    public static let taskFields = ["ID", "name", "status", "projectID", "project:name",
                                    "documents", "documents:currentVersion"]

    /// Every task in one of `statuses`, read page by page (`$$FIRST`,
    /// `$$LIMIT`) in ascending ID order so that pages neither overlap nor
    /// skip, until a short page ends the list or `maxTasks` have been read.
    ///
    /// - Important: a task whose status changes while the pages are read
    ///   shifts the later pages by one, so one task may be missed until the
    ///   next search.
    public func searchTasks(statuses: [String], pageSize: Int, extraFields: [String] = [],
                            maxTasks: Int = .max) throws(WorkfrontError) -> [WorkfrontTask] {
        var tasks: [WorkfrontTask] = []
        var first = 0
        let fields = (Self.taskFields + extraFields).joined(separator: ",")
        while true {
            var query = statuses.map { ("status", $0) }
            query.append(("status_Mod", statuses.count == 1 ? "eq" : "in"))
            query += [("ID_Sort", "asc"), ("$$FIRST", String(first)), ("$$LIMIT", String(pageSize)), ("fields", fields)]
            let data = try call("GET", "task/search", query: query)
            guard let items = data as? [Any] else {
                throw WorkfrontError(kind: .unexpectedResponse, request: "GET task/search",
                                     message: "expected a list of tasks in \"data\"")
            }
            var pageTasks: [WorkfrontTask] = []
            for item in items {
                pageTasks.append(try ModelDecoding.task(item, request: "GET task/search"))
            }
            tasks += pageTasks
            if items.count < pageSize || tasks.count >= maxTasks {
                return tasks
            }
            first += items.count
        }
    }

    /// The task status keys the tenant defines (`CSTEM` custom enums of class
    /// `STATUS_TASK`). Adobe notes that a plain status search may return an
    /// incomplete list for group-specific statuses, so a missing key is a
    /// warning sign, not proof.
    public func taskStatuses() throws(WorkfrontError) -> [String] {
        let data = try call("GET", "cstem/search", query: [("enumClass", "STATUS_TASK"), ("fields", "value,label")])
        return (data as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
    }

    /// Sets task fields (`status`, `extRefID`, `DE:Custom field`).
    public func updateTask(taskID: String, fields: [String: String]) throws(WorkfrontError) {
        _ = try call("PUT", "task/\(Self.pathComponent(taskID))", json: fields)
    }

    /// Reads `fields` of one task, as strings (absent or null fields are
    /// left out).
    public func taskFields(taskID: String, fields: [String]) throws(WorkfrontError) -> [String: String] {
        let data = try call("GET", "task/\(Self.pathComponent(taskID))", query: [("fields", fields.joined(separator: ","))])
        var values: [String: String] = [:]
        for (name, value) in data as? [String: Any] ?? [:] {
            values[name] = ModelDecoding.string(value)
        }
        return values
    }

    /// Adds a comment that people see on the task.
    public func addTaskNote(taskID: String, text: String) throws(WorkfrontError) {
        _ = try call("POST", "note", query: [("noteObjCode", "TASK"), ("objID", taskID), ("noteText", text)])
    }

    // MARK: Documents

    /// Sets document fields (`description`, `DE:Custom field`).
    public func updateDocument(documentID: String, fields: [String: String]) throws(WorkfrontError) {
        _ = try call("PUT", "docu/\(Self.pathComponent(documentID))", json: fields)
    }

    /// Percent-encodes an ID for use as one path segment, so that an ID can
    /// never change which resource a URL names.
    static func pathComponent(_ id: String) -> String {
        FormEncoding.escape(id)
    }
}
