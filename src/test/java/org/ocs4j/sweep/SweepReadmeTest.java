package org.ocs4j.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The results table in README.md is the sweep runner's, not typed by hand: it equals the table of the committed
 * report, whose every number is the value of the matching cell in the committed {@code results.json}.
 */
class SweepReadmeTest {

    private static final Path DIR = Path.of("benchmarks/results/sweeps/fashion-mnist-mln");

    private static List<String> tableLines(List<String> lines, int from) {
        List<String> table = new ArrayList<>();
        for (int i = from; i < lines.size() && lines.get(i).startsWith("|"); i++) table.add(lines.get(i));
        return table;
    }

    @Test
    void readmeTableIsTheCommittedReportsTable() throws Exception {
        List<String> report = Files.readAllLines(DIR.resolve(SweepReport.MARKDOWN));
        List<String> fromReport = tableLines(report, report.indexOf(report.stream()
                .filter(l -> l.startsWith("| bits |")).findFirst().orElseThrow()));
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int marker = readme.indexOf(readme.stream().filter(l -> l.startsWith("<!-- results:fashion-mnist-mln "))
                .findFirst().orElseThrow());
        assertEquals(fromReport, tableLines(readme, marker + 1),
                "README.md's results table is stale: run benchmarks/readme-table fashion-mnist-mln");
    }

    @Test
    void everyNumberOfTheReportTableIsAMeasuredCell() throws Exception {
        JsonNode json = new ObjectMapper().readTree(DIR.resolve(SweepReport.JSON).toFile());
        List<String> report = Files.readAllLines(DIR.resolve(SweepReport.MARKDOWN));
        List<String> table = tableLines(report, report.indexOf(report.stream()
                .filter(l -> l.startsWith("| bits |")).findFirst().orElseThrow()));
        List<String> columns = new ArrayList<>();
        json.get("config").get("columns").forEach(c -> columns.add(c.asText()));
        assertTrue(table.get(2).contains(String.format(Locale.ROOT, "| %.2f ±",
                json.get("fp32").get("value").asDouble())), table.get(2));
        int checked = 0;
        for (JsonNode cell : json.get("cells")) {
            String row = table.stream().filter(l -> l.startsWith("| " + cell.get("row").asText() + " |")).findFirst()
                    .orElseThrow();
            String[] parts = row.split("\\|");
            String shown = parts[2 + columns.indexOf(cell.get("column").asText())].trim().replace("**", "")
                    .replaceAll(" ±[0-9.]+$", ""); // the 95 % interval
            assertEquals(String.format(Locale.ROOT, "%.2f", cell.get("value").asDouble()), shown,
                    cell.get("row").asText() + " " + cell.get("column").asText());
            checked++;
        }
        assertEquals(5 * 8, checked, "the paper table: 5 weight bit widths × 8 columns");
        assertFalse(json.get("provenance").get("modelSha256").asText().isBlank());
    }
}
