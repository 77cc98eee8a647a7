/// A plain-text table with right-aligned numeric columns, for the terminal and for RESULTS.md.
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = "|"
            for (column, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                text += column == 0 ? " \(cell)\(pad) |" : " \(pad)\(cell) |"
            }
            return text
        }
        var lines = [line(headers)]
        lines.append("|" + widths.enumerated().map { $0.offset == 0 ? "-" + String(repeating: "-", count: $0.element) + "-|" : "-" + String(repeating: "-", count: $0.element) + ":|" }.joined())
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}
