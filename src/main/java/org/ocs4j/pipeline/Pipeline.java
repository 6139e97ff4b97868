package org.ocs4j.pipeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * An ordered list of {@link Stage}s run over one {@link Work}. {@link #quantization()} is the whole flow: fold
 * batch norms → cross-layer equalization → activation OCS → plan bit widths (mixed precision) → budget splits →
 * plan splits → widen → check the rewrite (exact in double precision) → quantize weights → correct biases → insert
 * activation quantizers → calibrate → measure each layer's output error; {@link #widening()} folds, equalizes, plans
 * bit widths and splits, widens and stops after the checked widened FP32 model. Every stage skips itself when the configuration does not ask for it.
 *
 * @param stages the stages, in order
 */
public record Pipeline(List<Stage> stages) {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    public Pipeline {
        stages = List.copyOf(stages);
    }

    /** @return the simulated fixed-point flow */
    public static Pipeline quantization() {
        return new Pipeline(List.of(new FoldBatchNorms(), new EqualizeLayers(), new SplitActivations(),
                new PlanBitWidths(), new PlanBudget(), new PlanSplits(false), new Widen(), new CheckRewrite(),
                new QuantizeWeights(), new CorrectBiases(), new InsertActivationQuantizers(), new Calibrate(),
                new MeasureOutputErrors()));
    }

    /** @return weight OCS alone: the widened FP32 model */
    public static Pipeline widening() {
        return new Pipeline(List.of(new FoldBatchNorms(), new EqualizeLayers(), new PlanBitWidths(), new PlanBudget(),
                new PlanSplits(true), new Widen(), new CheckRewrite()));
    }

    /** Runs every stage in order on {@code work} and returns it (each stage's time logged at debug level). */
    public Work run(Work work) {
        for (Stage s : stages) {
            long t0 = System.nanoTime();
            s.run(work);
            LOG.debug("{}: {} ms", s.name(), (System.nanoTime() - t0) / 1_000_000);
        }
        return work;
    }

    @Override
    public String toString() {
        return "Pipeline" + stages.stream().map(Stage::name).toList();
    }
}
