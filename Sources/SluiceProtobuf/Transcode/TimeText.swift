/// `Timestamp` and `Duration` JSON text: RFC 3339 in UTC (`1972-01-01T10:00:20.021Z`, offsets accepted on
/// input) and seconds with an `s` (`-1.5s`), with protobuf's ranges.
enum TimeText {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let minimumTimestamp: Int64 = -62_135_596_800
    static let maximumTimestamp: Int64 = 253_402_300_799
    /// About ±10,000 years.
    static let maximumDuration: Int64 = 315_576_000_000

    /// Seconds since the epoch and nanoseconds from RFC 3339 text; nil when malformed or out of range.
    static func parseTimestamp(_ text: UnsafeRawBufferPointer) -> (seconds: Int64, nanos: Int32)? {
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= text.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
                index += 1
            }
            return value
        }
        func expect(_ characters: UInt8...) -> Bool {
            guard index < text.count, characters.contains(text[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2), expect(UInt8(ascii: "T"), UInt8(ascii: "t")), let hour = number(2),
            expect(UInt8(ascii: ":")), let minute = number(2), expect(UInt8(ascii: ":")), let second = number(2)
        else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var nanos: Int64 = 0
        if expect(UInt8(ascii: ".")) {
            guard let fraction = fraction(text, &index) else { return nil }
            nanos = fraction
        }
        var offset: Int64 = 0
        if !expect(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            guard index < text.count else { return nil }
            let sign: Int64 = text[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect(UInt8(ascii: "+"), UInt8(ascii: "-")), let offsetHours = number(2), expect(UInt8(ascii: ":")),
                let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == text.count else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset
        guard seconds >= minimumTimestamp && seconds <= maximumTimestamp else { return nil }
        return (seconds, Int32(nanos))
    }

    /// `-?[0-9]+(\.[0-9]{1,9})?s`; nil when malformed or beyond ±315,576,000,000 s.
    static func parseDuration(_ text: UnsafeRawBufferPointer) -> (seconds: Int64, nanos: Int32)? {
        var index = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var seconds: Int64 = 0
        let digitsStart = index
        while index < text.count, text[index] &- UInt8(ascii: "0") < 10 {
            seconds = seconds * 10 + Int64(text[index] &- UInt8(ascii: "0"))
            guard seconds <= maximumDuration else { return nil }
            index += 1
        }
        guard index > digitsStart else { return nil }
        var nanos: Int64 = 0
        if index < text.count && text[index] == UInt8(ascii: ".") {
            index += 1
            guard let fraction = fraction(text, &index) else { return nil }
            nanos = fraction
        }
        guard index == text.count - 1, text[index] == UInt8(ascii: "s") else { return nil }
        return negative ? (-seconds, Int32(-nanos)) : (seconds, Int32(nanos))
    }

    /// 1 to 9 digits after a point, as nanoseconds.
    private static func fraction(_ text: UnsafeRawBufferPointer, _ index: inout Int) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        while index < text.count, text[index] &- UInt8(ascii: "0") < 10 {
            guard digits < 9 else { return nil }
            value = value * 10 + Int64(text[index] &- UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        for _ in digits..<9 { value *= 10 }
        return value
    }

    /// Writes `"YYYY-MM-DDTHH:MM:SS[.fff]Z"` (quoted) to `output`; returns the count. The caller checked the range.
    static func formatTimestamp(seconds: Int64, nanos: Int32, into output: UnsafeMutableRawBufferPointer) -> Int {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civil(days: days)
        var count = 0
        output[count] = UInt8(ascii: "\""); count += 1
        put(year, digits: 4, output, &count)
        output[count] = UInt8(ascii: "-"); count += 1
        put(month, digits: 2, output, &count)
        output[count] = UInt8(ascii: "-"); count += 1
        put(day, digits: 2, output, &count)
        output[count] = UInt8(ascii: "T"); count += 1
        put(secondOfDay / 3600, digits: 2, output, &count)
        output[count] = UInt8(ascii: ":"); count += 1
        put(secondOfDay / 60 % 60, digits: 2, output, &count)
        output[count] = UInt8(ascii: ":"); count += 1
        put(secondOfDay % 60, digits: 2, output, &count)
        putFraction(Int64(nanos), output, &count)
        output[count] = UInt8(ascii: "Z"); count += 1
        output[count] = UInt8(ascii: "\""); count += 1
        return count
    }

    /// Writes `"-1.500s"` (quoted); the caller checked the range and that the signs agree.
    static func formatDuration(seconds: Int64, nanos: Int32, into output: UnsafeMutableRawBufferPointer) -> Int {
        var count = 0
        output[count] = UInt8(ascii: "\""); count += 1
        if seconds < 0 || nanos < 0 { output[count] = UInt8(ascii: "-"); count += 1 }
        let whole = seconds.magnitude
        var digits = 1
        while digits < 20, whole >= power(digits) { digits += 1 }
        put(Int64(whole), digits: digits, output, &count)
        putFraction(Int64(nanos.magnitude), output, &count)
        output[count] = UInt8(ascii: "s"); count += 1
        output[count] = UInt8(ascii: "\""); count += 1
        return count
    }

    private static func power(_ exponent: Int) -> UInt64 {
        var value: UInt64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Nothing for 0, else `.` and 3, 6 or 9 digits: as few as show the value exactly.
    private static func putFraction(_ nanos: Int64, _ output: UnsafeMutableRawBufferPointer, _ count: inout Int) {
        guard nanos != 0 else { return }
        output[count] = UInt8(ascii: "."); count += 1
        if nanos % 1_000_000 == 0 {
            put(nanos / 1_000_000, digits: 3, output, &count)
        } else if nanos % 1000 == 0 {
            put(nanos / 1000, digits: 6, output, &count)
        } else {
            put(nanos, digits: 9, output, &count)
        }
    }

    private static func put(_ value: Int64, digits: Int, _ output: UnsafeMutableRawBufferPointer, _ count: inout Int) {
        var value = value
        for index in stride(from: count + digits - 1, through: count, by: -1) {
            output[index] = UInt8(ascii: "0") &+ UInt8(value % 10)
            value /= 10
        }
        count += digits
    }

    private static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number (`civil_from_days`).
    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
