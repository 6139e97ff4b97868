package org.ocs4j.pipeline;

import org.ocs4j.graph.Networks;
import org.ocs4j.rewrite.ModelWidener;

/**
 * Weight OCS, second half: builds the planned model — a NEW model of the same DL4J type whose split layers read
 * duplicated channels from widened producers or duplication vertices — computing the same FP32 function. Without a
 * plan it makes a copy, so that later stages never touch the caller's model, not even by running it (calibration
 * does, and DL4J's embedding layers rewrite their configured input length on every forward pass). The result is also
 * the FP32 model that calibration measures.
 */
final class Widen implements Stage {

    @Override
    public String name() {
        return "widen";
    }

    @Override
    public void run(Work work) {
        if (work.plan != null) {
            ModelWidener.Widened w = ModelWidener.build(work.plan, work.progress);
            work.model = w.model();
            work.widening = w.report();
        } else if (work.model == work.original) {
            work.model = Networks.copy(work.original);
        }
        work.fp32 = work.model;
    }
}
