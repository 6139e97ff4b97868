package org.ocs4j.sweep;

import org.ocs4j.eval.Provenance;

import java.util.List;
import java.util.Optional;

/**
 * A finished sweep: the FP32 reference, every cell, and where it all came from.
 *
 * @param config         what was swept
 * @param metric         the scorer's metric, e.g. {@code top-1 accuracy (%)}
 * @param higherIsBetter whether larger values are better
 * @param data           what was scored
 * @param calibration    what calibrated the activation clip values
 * @param fp32           the FP32 reference cell
 * @param cells          every quantized cell, row by row, in column order
 * @param reused         how many cells were read back from an earlier (interrupted) run instead of computed
 * @param provenance     model checksum, versions, backend, CPU, command
 */
public record SweepResult(SweepConfig config, String metric, boolean higherIsBetter, String data, String calibration,
                          Cell fp32, List<Cell> cells, int reused, Provenance provenance) {

    /** @return the cell of a row and column, if it was run */
    public Optional<Cell> cell(Row row, Column column) {
        return cells.stream().filter(c -> c.row().equals(row.label()) && c.column().equals(column.id())).findFirst();
    }

    /** @return the best value of a row among its columns */
    public double bestOf(Row row) {
        return cells.stream().filter(c -> c.row().equals(row.label())).mapToDouble(Cell::value)
                .reduce(higherIsBetter ? Math::max : Math::min).orElse(Double.NaN);
    }

    @Override
    public String toString() {
        return "SweepResult[" + metric + ": FP32 " + String.format(java.util.Locale.ROOT, "%.2f", fp32.value())
                + ", " + cells.size() + " cells (" + reused + " reused), " + config + "]";
    }
}
