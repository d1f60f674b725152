import CCurl

/// libcurl's process-wide initialisation, which must happen once before any
/// handle exists and is not thread-safe itself.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func initializeOnce() {
        precondition(initialized, "curl_global_init failed")
    }

    /// The libcurl version string, for `--version`.
    static var version: String {
        String(cString: curl_version())
    }
}
