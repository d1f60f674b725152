import Foundation
import HTTP

/// Checks an account's credentials without uploading anything, through the
/// Admin API's resource lookup (`GET /v1_1/<cloud>/resources/image/upload/<id>`
/// with HTTP Basic authentication): 404 for an unknown asset means the key
/// and secret were accepted, 401 that they were not. Each call costs one
/// Admin API request of the account's hourly quota.
public enum AdminCheck {
    public struct Result: Sendable {
        /// Whether Cloudinary accepted the key and secret.
        public var accepted: Bool
        public var httpStatus: Int
        /// The server's clock, from the `Date` header, if it sent one.
        public var serverDate: Date?
    }

    public static func verifyCredentials(_ account: CloudinaryAccount, http: HTTPClient) throws(CloudinaryError) -> Result {
        let token = Data("\(account.apiKey):\(account.apiSecret)".utf8).base64EncodedString()
        let url = "\(account.uploadPrefix)/v1_1/\(account.cloudName)/resources/image/upload/wf2cloudinary-doctor-probe"
        let response: HTTPResponse
        do {
            response = try http.perform(HTTPRequest(method: "GET", url: url, headers: [HTTPHeader("Authorization", "Basic \(token)")]))
        } catch let error as HTTPError {
            throw CloudinaryError(transport: error)
        } catch {
            throw CloudinaryError(kind: "transport", httpStatus: nil, message: "\(error)", isTransient: true)
        }
        let date = response.head.header("Date").flatMap(parseHTTPDate)
        switch response.status {
        case 200, 404:
            return Result(accepted: true, httpStatus: response.status, serverDate: date)

        case 401, 403:
            return Result(accepted: false, httpStatus: response.status, serverDate: date)

        default:
            throw CloudinaryError(kind: "unexpectedResponse", httpStatus: response.status,
                                  message: "the Admin API returned HTTP \(response.status)", isTransient: response.status >= 500)
        }
    }

    /// Parses an HTTP date (RFC 9110 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`).
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
