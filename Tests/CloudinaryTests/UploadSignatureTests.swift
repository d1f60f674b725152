import Cloudinary
import Crypto
import Testing

/// A signature case: parameters, secret, algorithm and the expected string
/// to sign and signature.
struct SignatureVector: Sendable, CustomTestStringConvertible {
    var name: String
    var params: [String: String]
    var secret: String
    var algorithm: DigestAlgorithm
    var stringToSign: String
    var signature: String

    var testDescription: String { name }
}

@Suite("UploadSignature")
struct UploadSignatureTests {
    @Test("documented vectors signing cloud_name")
    func documentedVectorsWithCloudName() {
        let pairs = [
            (key: "cloud_name", value: "dn6ot3ged"),
            (key: "timestamp", value: "1568810420"),
            (key: "username", value: "user@cloudinary.com"),
        ]
        let secret = "hdcixPpR2iKERPwqvH6sHdK9cyac"
        #expect(UploadSignature.stringToSign(pairs: pairs) == "cloud_name=dn6ot3ged&timestamp=1568810420&username=user@cloudinary.com")
        #expect(UploadSignature.sign(pairs: pairs, secret: secret, algorithm: .sha1) == "14c00ba6d0dfdedbc86b316847d95b9e6cd46d94")
        #expect(UploadSignature.sign(pairs: pairs, secret: secret, algorithm: .sha256) == "45ddaa4fa01f0c2826f32f669d2e4514faf275fe6df053f1a150e7beae58a3bd")
    }

    @Test("documented upload vector")
    func documentedUploadVector() {
        let params = ["public_id": "sample_image", "timestamp": "1315060510"]
        #expect(UploadSignature.stringToSign(params) == "public_id=sample_image&timestamp=1315060510")
        #expect(UploadSignature.sign(params, secret: "abcd", algorithm: .sha1) == "b4ad47fb4e25c7bf5f92a20089f9db59bc302313")
        #expect(UploadSignature.sign(pairs: params.map { (key: $0.key, value: $0.value) }, secret: "abcd", algorithm: .sha1) == "b4ad47fb4e25c7bf5f92a20089f9db59bc302313")
    }

    /// Expected values printed by `cloudinary.utils.api_string_to_sign` and
    /// `cloudinary.utils.api_sign_request` of the Python SDK, PyPI package
    /// `cloudinary` 1.46.3.
    static let sdkVectors: [SignatureVector] = [
        SignatureVector(
            name: "ampersand, equals, pipe, comma",
            params: ["public_id": "reports/a&b=c", "tags": "one,two,three", "context": #"caption=Tom \| Jerry|alt=x\=y"#, "timestamp": "1700000000"],
            secret: "s3cr3t", algorithm: .sha1,
            stringToSign: #"context=caption=Tom \| Jerry|alt=x\=y&public_id=reports/a%26b=c&tags=one,two,three&timestamp=1700000000"#,
            signature: "4e95b0d2d6f97dcf14df7cd388b2dea8c730bc90"
        ),
        SignatureVector(
            name: "Japanese, emoji, accents",
            params: ["public_id": "書類/報告書 2026 😀", "display_name": "Café résumé", "asset_folder": "Workfront/案件", "timestamp": "1700000001"],
            secret: "s3cr3t", algorithm: .sha1,
            stringToSign: "asset_folder=Workfront/案件&display_name=Café résumé&public_id=書類/報告書 2026 😀&timestamp=1700000001",
            signature: "3aed9b12112a919073e7a81ec0beb1d9650739c0"
        ),
        SignatureVector(
            name: "spaces, percent, plus, empty value",
            params: ["public_id": " lead & trail ", "display_name": "100% + 50%26", "overwrite": "", "invalidate": "true", "timestamp": "1700000002"],
            secret: "abcd", algorithm: .sha256,
            stringToSign: "display_name=100% + 50%26&invalidate=true&public_id= lead %26 trail &timestamp=1700000002",
            signature: "ad6de28c941043127ead8460a50a2f2a98b68898ca1c4dc88d7b5befad507bf3"
        ),
        SignatureVector(
            name: "key that prefixes another",
            params: ["tag": "x", "tag1": "y", "a": "1", "a-b": "2", "timestamp": "1700000003"],
            secret: "abcd", algorithm: .sha1,
            stringToSign: "a-b=2&a=1&tag1=y&tag=x&timestamp=1700000003",
            signature: "ef58bee716188527a47a33a5095d2044907955a3"
        ),
        SignatureVector(
            name: "metadata with escaped separators",
            params: ["metadata": #"wf_task_id=5f1\=a|wf_status=UPL & done"#, "public_id": "ü&ö", "timestamp": "1700000004"],
            secret: "hdcixPpR2iKERPwqvH6sHdK9cyac", algorithm: .sha256,
            stringToSign: #"metadata=wf_task_id=5f1\=a|wf_status=UPL %26 done&public_id=ü%26ö&timestamp=1700000004"#,
            signature: "9f105cbd197dbfc4eb766c0f5d33e3112bc5ef79f9a0eb2157a6c1a40889dee0"
        ),
        SignatureVector(
            name: "decomposed accent and zero-width joiner",
            params: ["display_name": "Cafe\u{301} \u{E9}", "public_id": "📄\u{200D}", "timestamp": "1700000005"],
            secret: "s3cr3t", algorithm: .sha1,
            stringToSign: "display_name=Cafe\u{301} \u{E9}&public_id=📄\u{200D}&timestamp=1700000005",
            signature: "9a8a370defefeb0e11f2033b0d69197dbf523167"
        ),
    ]

    @Test("Python SDK vectors", arguments: sdkVectors)
    func sdkVector(_ vector: SignatureVector) {
        let toSign = UploadSignature.stringToSign(vector.params)
        #expect(Array(toSign.utf8) == Array(vector.stringToSign.utf8), "string to sign \(toSign)")
        #expect(UploadSignature.sign(vector.params, secret: vector.secret, algorithm: vector.algorithm) == vector.signature)
    }

    @Test("unsigned parameters are left out", arguments: sdkVectors)
    func unsignedParameters(_ vector: SignatureVector) {
        var params = vector.params
        params["file"] = "report.pdf"
        params["cloud_name"] = "demo"
        params["resource_type"] = "raw"
        params["api_key"] = "123456789012345"
        params["signature"] = "0123"
        #expect(UploadSignature.sign(params, secret: vector.secret, algorithm: vector.algorithm) == vector.signature)
    }

    @Test("pairs API signs every key")
    func pairsSignEveryKey() {
        let pairs = [(key: "file", value: "x"), (key: "api_key", value: "1"), (key: "empty", value: "")]
        #expect(UploadSignature.stringToSign(pairs: pairs) == "api_key=1&file=x")
    }

    @Test("no parameters signs only the secret")
    func noParameters() {
        #expect(UploadSignature.stringToSign([:]) == "")
        #expect(UploadSignature.sign([:], secret: "abc", algorithm: .sha1) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }
}
