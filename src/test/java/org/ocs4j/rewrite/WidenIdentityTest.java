package org.ocs4j.rewrite;

import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.graph.LayerPolicy;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;

import java.io.File;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The widened model computes the original function: outputs on seeded random inputs agree within
 * {@code 1e-5 · max|y|} (float32), for every supported topology, expand ratio and split mode.
 */
class WidenIdentityTest {

    static final double TOLERANCE = 1e-5;

    record Case(String name, LongFunction<Model> build, InputShape shape) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("MLN conv-bn-relu-conv-pool-dense-output", TestNets::mln, InputShape.of(3, 12, 12)),
                new Case("CG residual add", TestNets::residual, InputShape.of(3, 10, 10)),
                new Case("CG concat + flatten", TestNets::concat, InputShape.of(4, 8, 8)),
                new Case("CG depthwise", TestNets::depthwise, InputShape.of(3, 9, 9)));
    }

    static Stream<Arguments> grid() {
        return cases().flatMap(c -> Stream.of(0.01, 0.05, 0.2).flatMap(r -> Stream.of(0, 8)
                .map(bits -> Arguments.of(c, r, bits))));
    }

    @ParameterizedTest(name = "{0}, r={1}, gridAwareBits={2}")
    @MethodSource("grid")
    void widenedModelComputesTheSameFunction(Case c, double r, int bits) {
        Model original = c.build().apply(11);
        INDArray before = original.params().dup();
        WidenSettings settings = new WidenSettings(r, org.ocs4j.split.SplitOptions.PLAIN, bits, LayerPolicy.defaults());
        ModelWidener.Widened w = ModelWidener.widen(original, settings, c.shape().toInputType());

        assertEquals(original.getClass(), w.model().getClass(), "MLN stays MLN, CG stays CG");
        assertFalse(w.report().layers().isEmpty());
        assertTrue(w.model().numParams() > original.numParams());
        IdentityCheck check = IdentityCheck.onRandomInputs(original, w.model(), 5, c.shape().withBatch(4));
        System.out.printf("%s r=%.2f bits=%d: %s, +%d weights, +%d MACs%n", c, r, bits, check,
                w.report().extraWeights(), w.report().extraMacs());
        assertTrue(check.passes(TOLERANCE), check.toString());
        assertTrue(check.maxAbsOutput() > 0.01, "outputs must not be trivially zero");
        assertArrayEquals(before.toFloatVector(), original.params().toFloatVector(), 0.0f,
                "the input model's parameters are bit-identical after widening");
    }

    @Test
    void residualGraphUsesBothRealizations() {
        OcsModel<ComputationGraph> r = Ocs.of(TestNets.residual(3)).config(OcsConfig.builder().gridAware(false).expandRatio(0.2).build()).widen();
        Set<Realization> used = r.report().widening().layers().stream().map(LayerReport::realization).collect(Collectors.toSet());
        assertEquals(Set.of(Realization.WIDENED_PRODUCER, Realization.DUPLICATION_VERTEX), used);
        // "b1" reads stem-relu, which also feeds the residual add: its producer cannot be widened.
        LayerReport b1 = r.report().widening().layers().stream().filter(l -> l.layer().equals("b1")).findFirst().orElseThrow();
        assertEquals(Realization.DUPLICATION_VERTEX, b1.realization());
        LayerReport b2 = r.report().widening().layers().stream().filter(l -> l.layer().equals("b2")).findFirst().orElseThrow();
        assertEquals(Realization.WIDENED_PRODUCER, b2.realization());
        assertEquals("b1", b2.via());
    }

    @Test
    void overheadCountsAreExactOnAHandCheckedLayer() {
        // MLN layer 3: conv 3x3, nIn 8, nOut 12, output 8x8 (12x12 input, two valid 3x3 convs).
        // r = 0.2 → k = ceil(1.6) = 2 → 2 · 12 · 3 · 3 = 216 extra weights, 216 · 64 extra MACs.
        OcsModel<MultiLayerNetwork> r = Ocs.of(TestNets.mln(1)).config(OcsConfig.builder().gridAware(false).expandRatio(0.2).build()).inputShape(3, 12, 12).widen();
        LayerReport conv = r.report().widening().layers().get(0);
        assertEquals("layer3", conv.layer());
        assertEquals(216, conv.extraWeights());
        assertEquals(216 * 64, conv.extraMacs());
        // The dense layer after the flatten: 12 channels of 4x4 → k = ceil(2.4) = 3 blocks of 16 rows x 16 outputs.
        LayerReport dense = r.report().widening().layers().get(1);
        assertEquals(16, dense.featuresPerChannel());
        assertEquals(3 * 16 * 16, dense.extraWeights());
    }

    @Test
    void widenedModelsSaveAndRestoreWithStockDl4j(@TempDir File dir) throws Exception {
        for (Case c : cases().toList()) {
            Model original = c.build().apply(5);
            Model widened = ModelWidener.widen(original, new WidenSettings(0.1, org.ocs4j.split.SplitOptions.PLAIN, 0, org.ocs4j.graph.LayerPolicy.defaults())).model();
            File file = new File(dir, c.name().replace(' ', '_') + ".zip");
            ModelSerializer.writeModel(widened, file, false);
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, c.shape().withBatch(3));
            INDArray expected;
            INDArray restoredOut;
            if (widened instanceof MultiLayerNetwork mln) {
                MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
                assertInstanceOf(MultiLayerNetwork.class, restored);
                expected = mln.output(x);
                restoredOut = restored.output(x);
            } else {
                ComputationGraph restored = ModelSerializer.restoreComputationGraph(file);
                expected = ((ComputationGraph) widened).outputSingle(x);
                restoredOut = restored.outputSingle(x);
            }
            assertEquals(expected, restoredOut, c + ": restored model gives the same outputs");
        }
    }

    @Test
    void expandRatioZeroReturnsAnEqualCopy() {
        MultiLayerNetwork original = TestNets.mln(2);
        OcsModel<MultiLayerNetwork> r = Ocs.of(original).config(OcsConfig.builder().gridAware(false).expandRatio(0).build()).widen();
        assertTrue(r.report().widening().layers().isEmpty());
        assertTrue(r.model() != original, "a new model, never the caller's");
        assertEquals(original.params(), r.model().params());
    }
}
