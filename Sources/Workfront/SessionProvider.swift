import Crypto
import Foundation
import HTTP
import Synchronization

/// Signs in to Workfront and keeps the session for later calls.
///
/// A JWT signed with the private key is exchanged for a session ID, which
/// every call then sends as the `sessionID` header, downloads included. The
/// session is renewed when a call reports it expired (once per call).
public final class SessionProvider: Sendable {
    /// The server-to-server OAuth credentials.
    public struct Login: Sendable {
        let clientID: String
        let clientSecret: String
        let customerID: String
        let userID: String
        let key: RSAPrivateKey

        public init(clientID: String, clientSecret: String, customerID: String, userID: String, key: RSAPrivateKey) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.customerID = customerID
            self.userID = userID
            self.key = key
        }
    }

    private let login: Login
    private let host: String
    private let http: HTTPClient
    /// The session in use; exchanges run under this lock, so concurrent
    /// callers wait for one exchange instead of each starting their own.
    private let session = Mutex<String?>(nil)
    private let exchangeCount = Atomic<Int>(0)

    /// - Parameter host: the tenant's scheme and host, `https://acme.my.workfront.com`.
    public init(login: Login, host: String, http: HTTPClient) {
        self.login = login
        self.host = host
        self.http = http
    }

    /// How many JWT exchanges have happened, for the logs.
    public var exchanges: Int { exchangeCount.load(ordering: .relaxed) }

    /// The header that authenticates a call, signing in first if needed.
    func authenticationHeader() throws(WorkfrontError) -> HTTPHeader {
        let current = try session.withLock { (current: inout String?) throws(WorkfrontError) -> String in
            if let current {
                return current
            }
            let fresh = try exchange()
            current = fresh
            return fresh
        }
        return HTTPHeader("sessionID", current)
    }

    /// Forgets `header`'s session if it is still the current one, so that
    /// the next call signs in again.
    func invalidate(_ header: HTTPHeader) {
        session.withLock { current in
            if current == header.value {
                current = nil
            }
        }
    }

    private func exchange() throws(WorkfrontError) -> String {
        let request = "JWT exchange"
        let token: String
        do {
            let expiry = Int64(Date().timeIntervalSince1970) + 300
            token = try JSONWebToken.signRS256(issuer: login.customerID, subject: login.userID, expiresAt: expiry, key: login.key)
        } catch {
            throw WorkfrontError(kind: .credentialsRejected, request: request, message: "cannot sign the JWT: \(error)")
        }
        let body = FormEncoding.encode([("client_id", login.clientID), ("client_secret", login.clientSecret), ("jwt_token", token)])
        let response: HTTPResponse
        do {
            response = try http.perform(HTTPRequest(
                method: "POST", url: "\(host)/integrations/oauth2/api/v1/jwt/exchange",
                headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                body: .bytes(Array(body.utf8))))
        } catch let error as HTTPError {
            throw WorkfrontError(transport: error, request: request)
        } catch {
            throw WorkfrontError(kind: .transport, request: request, message: "\(error)")
        }
        // The response carries the session ID, so no part of it is quoted.
        let object = try ResponseBody.jsonObject(of: response, request: request, quoteBody: false)
        if [400, 401, 403].contains(response.status) {
            let reason = [object["error"] as? String, object["error_description"] as? String].compactMap { $0 }.joined(separator: ": ")
            throw WorkfrontError(kind: .credentialsRejected, request: request, httpStatus: response.status,
                                 message: "Workfront refused the login (\(reason.isEmpty ? "no reason given" : String(reason.prefix(300)))); check the workfront-* credentials")
        }
        guard response.status == 200, let accessToken = object["access_token"] as? String, !accessToken.isEmpty else {
            throw ResponseBody.statusError(response.status, request: request, detail: "without an access_token")
        }
        exchangeCount.add(1, ordering: .relaxed)
        return accessToken
    }
}
