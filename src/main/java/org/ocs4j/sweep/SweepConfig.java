package org.ocs4j.sweep;

import org.ocs4j.quant.Clip;
import org.ocs4j.quant.FixedPointGrid;
import org.ocs4j.rewrite.LayerPolicy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a sweep runs: rows (weight bits × activation bits, FP32 first) by columns (methods). Validated once, here.
 *
 * @param weightBits         weight bit widths, each 2..16, in table order (e.g. 8, 7, 6, 5, 4)
 * @param activationBits     activation bit widths, each 2..16, or 0 for FP32 activations
 * @param columns            the methods, in table order, without repeats
 * @param activationClip     how activation clip values are chosen from calibration (the same in every cell, so
 *                           columns compare weight methods)
 * @param policy             which layers are quantized (and split)
 * @param calibrationBatches calibration batches per pass
 * @param seed               the seed of the calibration sample, recorded in provenance
 */
public record SweepConfig(List<Integer> weightBits, List<Integer> activationBits, List<Column> columns,
                          Clip activationClip, LayerPolicy policy, int calibrationBatches, long seed) {

    public SweepConfig {
        weightBits = List.copyOf(weightBits);
        activationBits = List.copyOf(activationBits);
        columns = List.copyOf(columns);
        if (weightBits.isEmpty() || activationBits.isEmpty() || columns.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one weight bit width, one activation bit width"
                    + " and one column");
        }
        weightBits.forEach(FixedPointGrid::signed);
        for (int a : activationBits) {
            if (a != 0) FixedPointGrid.signed(a);
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
        if (activationClip == null || policy == null) {
            throw new IllegalArgumentException("activation clip and layer policy are required");
        }
        if (calibrationBatches < 1) {
            throw new IllegalArgumentException("calibration batches " + calibrationBatches + " must be at least 1");
        }
    }

    /**
     * The paper's table: weights 8/7/6/5/4 bits, activations 8 bits (α = calibrated max), columns no clip / MSE /
     * ACIQ / KL / OCS r = 0.01, 0.02, 0.05 / OCS + best clip, default policy, 4 calibration batches, seed 42.
     */
    public static SweepConfig paper() {
        return new SweepConfig(List.of(8, 7, 6, 5, 4), List.of(8), Column.PAPER, Clip.NONE, LayerPolicy.defaults(),
                4, 42);
    }

    /** @return this sweep with other weight bit widths */
    public SweepConfig withWeightBits(List<Integer> bits) {
        return new SweepConfig(bits, activationBits, columns, activationClip, policy, calibrationBatches, seed);
    }

    /** @return this sweep with other columns */
    public SweepConfig withColumns(List<Column> cols) {
        return new SweepConfig(weightBits, activationBits, cols, activationClip, policy, calibrationBatches, seed);
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
                + activationClip + "), columns " + columns + ", " + policy + ", " + calibrationBatches
                + " calibration batches, seed " + seed + "]";
    }
}
