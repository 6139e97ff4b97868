package org.ocs4j.rewrite;

import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.graph.LayerPolicy;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.Ocs;
import org.ocs4j.TestNets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets an error naming the layer, value or fix, and the input model is left as it was. */
class BadInputTest {

    @Test
    void expandRatioOutsideUnitIntervalIsRefused() {
        MultiLayerNetwork net = TestNets.mln(1);
        for (double r : new double[] {-0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ocs.of(net).config(OcsConfig.builder().gridAware(false).expandRatio(r).build()).widen());
            assertTrue(e.getMessage().contains("expand ratio " + r), e.getMessage());
        }
    }

    @Test
    void gridAwareBitsOutsideRangeAreRefused() {
        MultiLayerNetwork net = TestNets.mln(1);
        for (int bits : new int[] {1, 17, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ocs.of(net).config(OcsConfig.builder().gridAware(false).gridAware(bits != 0).weightBits(bits != 0 ? bits : 8).build()).widen());
            assertTrue(e.getMessage().contains(String.valueOf(bits)), e.getMessage());
        }
    }

    @Test
    void nanWeightsNameTheLayerAndLeaveTheModelAlone() {
        MultiLayerNetwork net = TestNets.mln(1);
        net.getLayer(3).getParam("W").putScalar(0, Double.NaN);
        INDArray before = net.params().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ocs.of(net).config(OcsConfig.builder().gridAware(false).expandRatio(0.1).build()).widen());
        assertTrue(e.getMessage().contains("layer3") && e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(before.toString(), net.params().toString());
    }

    @Test
    void aRequiredLayerFedByTheNetworkInputOfAnMlnIsRefusedWithTheOptions() {
        MultiLayerNetwork net = TestNets.mln(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ocs.of(net).config(OcsConfig.builder().gridAware(false).policy(LayerPolicy.defaults().including("layer0")).build()).widen());
        assertTrue(e.getMessage().contains("\"layer0\"") && e.getMessage().contains("toComputationGraph()"),
                e.getMessage());
    }

    @Test
    void aRequiredLayerBehindAChannelMixingLayerIsRefusedNamingIt() {
        MultiLayerConfiguration conf = TestNets.base(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.RELU).build())
                .layer(new LocalResponseNormalization.Builder().name("lrn").build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).name("after-lrn").activation(Activation.RELU).build())
                .layer(TestNets.output(3))
                .setInputType(InputType.convolutional(10, 10, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // Default policy: the layer is skipped and the report says why.
        WidenReport report = Ocs.of(net).config(OcsConfig.builder().gridAware(false).expandRatio(0.2).build()).widen().report().widening();
        SkippedLayer skipped = report.skipped().stream().filter(s -> s.layer().equals("after-lrn")).findFirst().orElseThrow();
        assertTrue(skipped.reason().contains("\"lrn\" (LocalResponseNormalization)"), skipped.reason());
        // Required by name: an error naming both layers.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ocs.of(net).config(OcsConfig.builder().gridAware(false).expandRatio(0.2).policy(LayerPolicy.defaults().including("after-lrn")).build()).widen());
        assertTrue(e.getMessage().contains("\"after-lrn\"") && e.getMessage().contains("\"lrn\""), e.getMessage());
    }

    @Test
    void requiringALayerWithoutSplittableWeightsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ocs.of(TestNets.mln(1)).config(OcsConfig.builder().gridAware(false).policy(LayerPolicy.defaults().including("BatchNormalization")).build()).widen());
        assertTrue(e.getMessage().contains("BatchNormalization") && e.getMessage().contains("no splittable"),
                e.getMessage());
    }

    @Test
    void policiesRejectContradictions() {
        assertThrows(IllegalArgumentException.class,
                () -> LayerPolicy.defaults().including("conv1").excluding("conv1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerPolicy.named("fast"));
        assertTrue(e.getMessage().contains("fast"));
    }

    @Test
    void excludedLayersAreNotSplit() {
        WidenReport report = Ocs.of(TestNets.residual(1)).config(OcsConfig.builder().gridAware(false).expandRatio(0.2).policy(LayerPolicy.defaults().excluding("b2", "OutputLayer")).build()).widen().report().widening();
        assertTrue(report.layers().stream().noneMatch(l -> l.layer().equals("b2") || l.layer().equals("out")));
        assertTrue(report.skipped().stream().anyMatch(s -> s.layer().equals("b2") && s.reason().contains("excluded")));
    }
}
