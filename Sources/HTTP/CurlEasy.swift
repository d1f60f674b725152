import CCurl
import Foundation

/// One libcurl easy handle. A handle keeps its connections open between
/// requests, so reusing it reuses them.
///
/// - Important: a handle runs one request at a time. `HTTPClient` hands each
///   handle to one caller at a time, which is why it is `@unchecked Sendable`.
final class CurlEasy: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    /// Kept alive while the handle may read it: libcurl stores the pointer.
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    init() {
        CurlGlobal.initializeOnce()
        guard let handle = curl_easy_init() else {
            fatalError("curl_easy_init returned NULL: libcurl cannot allocate a handle")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Runs `request`, streaming the response into `sink`.
    func perform(_ request: HTTPRequest, sink: any HTTPResponseSink, cancellation: HTTPCancellation?) throws {
        curl_easy_reset(handle)
        let state = CurlTransferState(body: request.body, sink: sink, cancellation: cancellation)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        try configure(request, headerList: &headerList)
        let userData = Unmanaged.passUnretained(state).toOpaque()
        try setPointer(CURLOPT_WRITEDATA, userData)
        try setPointer(CURLOPT_HEADERDATA, userData)
        try setPointer(CURLOPT_READDATA, userData)
        try setPointer(CURLOPT_XFERINFODATA, userData)

        let code = withExtendedLifetime(state) { curl_easy_perform(handle) }
        if let failure = state.failure {
            throw failure
        }
        guard code == CURLE_OK else {
            throw error(for: code, request: request, cancelled: state.isCancelled)
        }
        try state.deliverHeadIfNeeded()
    }

    private func configure(_ request: HTTPRequest, headerList: inout UnsafeMutablePointer<curl_slist>?) throws {
        try setString(CURLOPT_URL, request.url)
        try setString(CURLOPT_PROTOCOLS_STR, "http,https")
        try setLong(CURLOPT_NOSIGNAL, 1)
        try setLong(CURLOPT_FOLLOWLOCATION, 0)
        try setLong(CURLOPT_CONNECTTIMEOUT, request.timeouts.connect)
        try setLong(CURLOPT_TIMEOUT, request.timeouts.total ?? 0)
        try setLong(CURLOPT_LOW_SPEED_LIMIT, request.timeouts.lowSpeedBytesPerSecond)
        try setLong(CURLOPT_LOW_SPEED_TIME, request.timeouts.lowSpeedSeconds)
        try setLong(CURLOPT_BUFFERSIZE, 256 * 1024)
        try setLong(CURLOPT_UPLOAD_BUFFERSIZE, 256 * 1024)
        try setLong(CURLOPT_NOPROGRESS, 0)
        errorBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = 0
            _ = wf2c_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
        }

        try check(wf2c_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback), "write callback")
        try check(wf2c_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback), "header callback")
        try check(wf2c_setopt_data_callback(handle, CURLOPT_READFUNCTION, curlReadCallback), "read callback")
        try check(wf2c_setopt_xferinfo_callback(handle, curlProgressCallback), "progress callback")

        var headers = request.headers
        // libcurl would otherwise wait up to a second for "100 Continue"
        // before sending a large body.
        headers.append(HTTPHeader("Expect", ""))
        switch request.body {
        case .empty:
            break

        case .bytes(let bytes):
            try setLong(CURLOPT_UPLOAD, 1)
            try setOff(CURLOPT_INFILESIZE_LARGE, Int64(bytes.count))

        case .stream(let length, _):
            try setLong(CURLOPT_UPLOAD, 1)
            try setOff(CURLOPT_INFILESIZE_LARGE, length)
        }
        // CURLOPT_UPLOAD makes libcurl send a PUT; the method string puts
        // the request's own verb back on the request line.
        if request.method == "HEAD" {
            try setLong(CURLOPT_NOBODY, 1)
        } else if request.method != "GET" || !isEmpty(request.body) {
            try setString(CURLOPT_CUSTOMREQUEST, request.method)
        }
        for header in headers {
            let line = header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        try check(wf2c_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "headers")
    }

    private func isEmpty(_ body: HTTPRequestBody) -> Bool {
        if case .empty = body { return true }
        return false
    }

    private func error(for code: CURLcode, request: HTTPRequest, cancelled: Bool) -> HTTPError {
        let detailFromBuffer = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let detail = detailFromBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : detailFromBuffer
        let kind: String
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = "connect"

        case CURLE_OPERATION_TIMEDOUT:
            kind = "timeout"

        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM:
            kind = "tls"

        case CURLE_ABORTED_BY_CALLBACK where cancelled:
            kind = "cancelled"

        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = "badURL"

        default:
            kind = "transfer"
        }
        return HTTPError(kind: kind, curlCode: Int(code.rawValue), method: request.method, url: request.url,
                         detail: detail.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: Option setters

    private func setLong(_ option: CURLoption, _ value: Int) throws {
        try check(wf2c_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func setOff(_ option: CURLoption, _ value: Int64) throws {
        try check(wf2c_setopt_off(handle, option, curl_off_t(value)), "option \(option.rawValue)")
    }

    private func setString(_ option: CURLoption, _ value: String) throws {
        // libcurl copies string options (since 7.17), so the temporary C
        // string may go away after the call.
        try check(wf2c_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    private func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer) throws {
        try check(wf2c_setopt_pointer(handle, option, value), "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw HTTPError(kind: "badURL", curlCode: Int(code.rawValue), method: "-", url: "",
                            detail: "libcurl rejected \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

// MARK: Callbacks: each converts its arguments and hands off to the state.

private func state(_ userData: UnsafeMutableRawPointer?) -> CurlTransferState {
    Unmanaged<CurlTransferState>.fromOpaque(userData!).takeUnretainedValue()
}

private let curlWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userData in
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    return state(userData).write(bytes) ? length : 0
}

private let curlHeaderCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userData in
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    state(userData).headerLine(String(decoding: bytes, as: UTF8.self))
    return length
}

private let curlReadCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userData in
    let buffer = UnsafeMutableRawBufferPointer(start: data, count: size * count)
    return state(userData).read(into: buffer) ?? Int(CURL_READFUNC_ABORT)
}

private let curlProgressCallback: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
    userData, _, _, _, _ in
    state(userData).isCancelled ? 1 : 0
}
