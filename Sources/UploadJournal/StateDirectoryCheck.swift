import Foundation

extension UploadJournal {
    /// Returns what keeps this user from keeping the journal in `directory`,
    /// or nil. Leaves nothing behind: it tries writing with a probe folder
    /// that it removes at once. A folder that does not exist yet passes when
    /// this user could create it.
    public static func stateDirectoryProblem(_ directory: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            var ancestor = URL(fileURLWithPath: directory).deletingLastPathComponent()
            while !FileManager.default.fileExists(atPath: ancestor.path) && ancestor.path != "/" {
                ancestor.deleteLastPathComponent()
            }
            guard canCreateEntries(in: ancestor.path) else {
                return "the state directory \(directory) does not exist and this user cannot create it in \(ancestor.path)"
            }
            return nil
        }
        guard isDirectory.boolValue else {
            return "the state directory \(directory) is not a folder"
        }
        guard canCreateEntries(in: directory) else {
            return "this user cannot write to the state directory \(directory)"
        }
        let journal = "\(directory)/\(fileName)"
        if FileManager.default.fileExists(atPath: journal), access(journal, R_OK | W_OK) != 0 {
            return "this user cannot write to the upload journal \(journal)"
        }
        return nil
    }

    /// Returns whether this user can create files in `folder`. `access()`
    /// cannot tell, because it lets root pass where the file system refuses.
    private static func canCreateEntries(in folder: String) -> Bool {
        var template = Array("\(folder)/.wf2cloudinary-probe-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            return false
        }
        rmdir(created)
        return true
    }
}
