package org.ocs4j.sweep;

import org.ocs4j.pipeline.OcsConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a sweep runs: rows (weight bits × activation bits, FP32 first) by columns (methods), every cell the
 * {@link OcsConfig} {@code base} with the row's bit widths and the column's method. Every cell's configuration is
 * built (and so validated) here, before anything runs.
 *
 * @param weightBits     weight bit widths in table order (e.g. 8, 7, 6, 5, 4)
 * @param activationBits activation bit widths, or 0 for FP32 activations
 * @param columns        the methods, in table order, without repeats
 * @param base           what every cell shares: the activation clip method (the same in every cell, so columns
 *                       compare weight methods), layer policy, calibration batches and seed
 */
public record SweepConfig(List<Integer> weightBits, List<Integer> activationBits, List<Column> columns,
                          OcsConfig base) {

    public SweepConfig {
        weightBits = List.copyOf(weightBits);
        activationBits = List.copyOf(activationBits);
        columns = List.copyOf(columns);
        if (weightBits.isEmpty() || activationBits.isEmpty() || columns.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one weight bit width, one activation bit width"
                    + " and one column");
        }
        if (base == null) {
            throw new IllegalArgumentException("a sweep needs a base configuration (OcsConfig.defaults())");
        }
        Set<String> ids = new HashSet<>();
        for (Column c : columns) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("sweep column " + c.id() + " is given twice");
            }
        }
        if (columns.contains(Column.OCS_BEST)) {
            if (columns.stream().noneMatch(Column::clipCandidate)) {
                throw new IllegalArgumentException("ocs+best needs at least one clipping column (mse, aciq, kl,"
                        + " max:C or percentile:P) to pick the best clip from");
            }
            if (columns.stream().noneMatch(Column::ocsCandidate)) {
                throw new IllegalArgumentException("ocs+best needs at least one grid-aware OCS column (ocs:R) to pick"
                        + " the expand ratio from");
            }
        }
        for (int w : weightBits) {
            for (int a : activationBits) {
                for (Column c : columns) {
                    if (!c.bestOfRow()) c.config(base, w, a);
                }
            }
        }
    }

    /**
     * The paper's table: weights 8/7/6/5/4 bits, activations 8 bits (α = calibrated max), columns no clip / MSE /
     * ACIQ / KL / OCS r = 0.01, 0.02, 0.05 / OCS + best clip, default policy, 4 calibration batches, seed 42.
     */
    public static SweepConfig paper() {
        return new SweepConfig(List.of(8, 7, 6, 5, 4), List.of(8), Column.PAPER, OcsConfig.defaults());
    }

    /** @return this sweep with other weight bit widths */
    public SweepConfig withWeightBits(List<Integer> bits) {
        return new SweepConfig(bits, activationBits, columns, base);
    }

    /** @return this sweep with other columns */
    public SweepConfig withColumns(List<Column> cols) {
        return new SweepConfig(weightBits, activationBits, cols, base);
    }

    /** @return the quantized rows in table order (weight bits outer, activation bits inner); FP32 is separate */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (int w : weightBits) {
            for (int a : activationBits) {
                rows.add(new Row(w, a));
            }
        }
        return rows;
    }

    @Override
    public String toString() {
        return "SweepConfig[weights " + weightBits + " bits, activations " + activationBits + " bits (α by "
                + base.activationClip() + "), columns " + columns + ", " + base.policy() + ", "
                + base.calibrationBatches() + " calibration batches, seed " + base.seed() + "]";
    }
}
