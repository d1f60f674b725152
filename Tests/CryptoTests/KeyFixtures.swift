import Foundation

/// Keys generated once per test run by the `openssl` tool, in a temporary
/// directory that contains each key's PEM file and the public key.
struct KeyFixtures: Sendable {
    /// Directory with `pkcs8.pem`, `pkcs1.pem` and `pub.pem` (the public
    /// half of both, which are the same key in two forms).
    let directory: TemporaryDirectory
    let pkcs8PEM: String
    let pkcs1PEM: String

    static let shared: Result<KeyFixtures, any Error> = Result { try KeyFixtures() }

    static func load() throws -> KeyFixtures {
        try shared.get()
    }

    private init() throws {
        directory = try TemporaryDirectory()
        let url = directory.url
        try OpenSSLCommand.output(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pkcs8.pem"], in: url)
        try OpenSSLCommand.output(["rsa", "-in", "pkcs8.pem", "-traditional", "-out", "pkcs1.pem"], in: url)
        try OpenSSLCommand.output(["pkey", "-in", "pkcs8.pem", "-pubout", "-out", "pub.pem"], in: url)
        pkcs8PEM = try directory.read("pkcs8.pem")
        pkcs1PEM = try directory.read("pkcs1.pem")
    }

    /// Generates a key with `openssl` arguments that write to `out.pem`,
    /// and returns the PEM text.
    static func generate(_ arguments: [String]) throws -> String {
        let directory = try TemporaryDirectory()
        try OpenSSLCommand.output(arguments, in: directory.url)
        return try directory.read("out.pem")
    }

    /// Checks a SHA-256 RSA signature with `openssl dgst -verify` and returns
    /// what the tool printed.
    func verifyWithOpenSSL(message: [UInt8], signature: [UInt8]) throws -> String {
        let name = UUID().uuidString
        try directory.write(message, to: "\(name).msg")
        try directory.write(signature, to: "\(name).sig")
        let result = try OpenSSLCommand.run(
            ["dgst", "-sha256", "-verify", "pub.pem", "-signature", "\(name).sig", "\(name).msg"],
            in: directory.url
        )
        return result.outputText + result.standardError
    }

    /// Signs with `openssl dgst -sign`, whose PKCS#1 v1.5 signature is
    /// deterministic and so must equal this module's.
    func signWithOpenSSL(message: [UInt8]) throws -> [UInt8] {
        let name = UUID().uuidString
        try directory.write(message, to: "\(name).msg")
        let result = try OpenSSLCommand.run(["dgst", "-sha256", "-sign", "pkcs8.pem", "\(name).msg"], in: directory.url)
        guard result.status == 0 else {
            throw CommandFailure(arguments: ["dgst", "-sign"], status: result.status, standardError: result.standardError)
        }
        return result.standardOutput
    }
}
