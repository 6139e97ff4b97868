package org.ocs4j.rewrite;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.ocs4j.TestNets;

class WidenSmokeTest {
    @Test
    void smoke() {
        var mln = TestNets.mln(1);
        var w = ModelWidener.widen(mln, WidenSettings.of(0.2), InputType.convolutional(12, 12, 3));
        System.out.println(w.report());
        w.report().layers().forEach(System.out::println);
        w.report().skipped().forEach(System.out::println);
        System.out.println(IdentityCheck.onRandomInputs(mln, w.model(), 1, new long[] {4, 3, 12, 12}));
        for (var cg : new org.deeplearning4j.nn.graph.ComputationGraph[] {TestNets.residual(2), TestNets.concat(3), TestNets.depthwise(4)}) {
            var x = ModelWidener.widen(cg, WidenSettings.of(0.2));
            System.out.println(x.report());
            x.report().layers().forEach(System.out::println);
            x.report().skipped().forEach(System.out::println);
        }
    }
}
