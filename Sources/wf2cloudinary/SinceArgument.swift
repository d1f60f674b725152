/// The `--since` value of `history`: a UTC date, or a date and time.
enum SinceArgument {
    /// Checks `2026-12-01`, `2026-12-01T08:00` or `2026-12-01T08:00:00`,
    /// each with an optional `Z`, and returns it in the form the journal
    /// stores, `2026-12-01T08:00:00Z`, so that the two compare as text.
    /// - Throws: `UsageError` naming the option, the value and the part
    ///   that is not a valid date or time, such as a 13th month or 30 February.
    static func normalize(_ text: String) throws(Arguments.UsageError) -> String {
        let pattern = /([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?Z?)?/
        guard let match = text.wholeMatch(of: pattern) else {
            throw Arguments.UsageError(message: "--since takes a date like 2026-12-01 or 2026-12-01T08:00:00Z, not \(text)")
        }
        let year = Int(match.1)!
        let month = Int(match.2)!
        let day = Int(match.3)!
        let hour = match.4.map { Int($0)! } ?? 0
        let minute = match.5.map { Int($0)! } ?? 0
        let second = match.6.map { Int($0)! } ?? 0

        func reject(_ reason: String) -> Arguments.UsageError {
            Arguments.UsageError(message: "--since \(text) is not a valid date: \(reason)")
        }
        guard (1...12).contains(month) else {
            throw reject("the month must be from 01 to 12")
        }
        let lastDay = daysIn(month: month, year: year)
        guard (1...lastDay).contains(day) else {
            throw reject("the day must be from 01 to \(lastDay) in \(match.1)-\(match.2)")
        }
        guard (0...23).contains(hour) else {
            throw reject("the hour must be from 00 to 23")
        }
        guard (0...59).contains(minute) else {
            throw reject("the minute must be from 00 to 59")
        }
        guard (0...59).contains(second) else {
            throw reject("the second must be from 00 to 59")
        }
        return "\(match.1)-\(match.2)-\(match.3)T\(twoDigits(hour)):\(twoDigits(minute)):\(twoDigits(second))Z"
    }

    /// Returns the number of days in a month of the Gregorian calendar.
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let isLeapYear = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return isLeapYear ? 29 : 28

        case 4, 6, 9, 11:
            return 30

        default:
            return 31
        }
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
