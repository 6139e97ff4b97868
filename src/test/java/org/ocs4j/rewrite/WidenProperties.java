package org.ocs4j.rewrite;

import org.ocs4j.graph.LayerPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.split.SplitOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: for random MultiLayerNetwork and ComputationGraph architectures built from every supported kind
 * (conv, depthwise conv, dense, batch norm, activations, pooling, dropout, padding, residual add, concat, flatten,
 * global pooling), random expand ratios, thresholds and split modes, the widened model computes the original's
 * function. Networks are float64, so rounding noise is ~1e-15 and the tolerance 1e-9 leaves no room for a real
 * error; the input model's parameters must be untouched.
 */
class WidenProperties {

    static final double TOLERANCE = 1e-9;

    @Property(tries = 110, seed = "20261127")
    void widenedMultiLayerNetworkIsIdentical(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random random = new Random(seed);
        InputShape shape = InputShape.of(1 + random.nextInt(4), 6 + random.nextInt(4), 6 + random.nextInt(4));
        NeuralNetConfiguration.ListBuilder list = base(seed).list();
        int blocks = 1 + random.nextInt(5);
        for (int i = 0; i < blocks; i++) {
            list.layer(randomCnnLayer(random, i == 0));
        }
        int dense = random.nextInt(3);
        for (int i = 0; i < dense; i++) {
            list.layer(random.nextBoolean() ? new DenseLayer.Builder().nOut(2 + random.nextInt(8))
                    .activation(randomActivation(random)).build()
                    : new DropoutLayer.Builder(0.5).build());
        }
        list.layer(TestNets.output(2 + random.nextInt(4)));
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(shape.toInputType()).build());
        net.init();
        TestNets.randomizeBatchNorm(net.paramTable(), seed);
        check(net, shape, random, "MLN seed " + seed);
    }

    @Property(tries = 110, seed = "20261127")
    void widenedComputationGraphIsIdentical(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random random = new Random(seed);
        InputShape shape = InputShape.of(1 + random.nextInt(4), 5 + random.nextInt(4), 5 + random.nextInt(4));
        ComputationGraphConfiguration.GraphBuilder g = base(seed).graphBuilder().addInputs("in")
                .setInputTypes(shape.toInputType());
        List<String> tensors = new ArrayList<>(List.of("in"));
        List<Long> channels = new ArrayList<>(List.of(shape.dims()[0]));
        int ops = 2 + random.nextInt(6);
        for (int i = 0; i < ops; i++) {
            String last = tensors.get(tensors.size() - 1);
            long c = channels.get(channels.size() - 1);
            String name = "v" + i;
            int op = random.nextInt(7);
            if (op <= 1 || last.equals("in")) {
                long out = 2 + random.nextInt(7);
                g.addLayer(name, conv(out, random), last);
                c = out;
            } else if (op == 2) {
                g.addLayer(name, new BatchNormalization.Builder().build(), last);
            } else if (op == 3) {
                g.addLayer(name, new ActivationLayer.Builder().activation(randomActivation(random)).build(), last);
            } else if (op == 4) {
                g.addLayer(name, new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).nOut(c)
                        .convolutionMode(ConvolutionMode.Same).activation(randomActivation(random)).build(), last);
            } else {
                int j = random.nextInt(tensors.size());
                String other = tensors.get(j);
                if (op == 5) {
                    if (channels.get(j) != c || other.equals(last)) {
                        g.addLayer(name + "-match", conv(c, random), other);
                        other = name + "-match";
                    }
                    g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), last, other);
                } else {
                    g.addVertex(name, new MergeVertex(), last, other);
                    c += channels.get(j);
                }
            }
            tensors.add(name);
            channels.add(c);
        }
        String last = tensors.get(tensors.size() - 1);
        if (random.nextBoolean()) {
            g.addLayer("gap", new GlobalPoolingLayer.Builder(random.nextBoolean() ? PoolingType.AVG : PoolingType.MAX)
                    .build(), last);
            g.addLayer("out", TestNets.output(2 + random.nextInt(3)), "gap");
        } else {
            g.addLayer("fc", new DenseLayer.Builder().nOut(3 + random.nextInt(6)).activation(Activation.RELU).build(), last);
            g.addLayer("out", TestNets.output(2 + random.nextInt(3)), "fc");
        }
        ComputationGraph net = TestNets.init(g.setOutputs("out").build(), seed);
        check(net, shape, random, "CG seed " + seed);
    }

    private static void check(Model net, InputShape shape, Random random, String what) {
        double r = new double[] {0.05, 0.2, 0.5, 1.0}[random.nextInt(4)];
        double threshold = random.nextInt(3) == 0 ? 0.3 : 0.0;
        int bits = new int[] {0, 4, 8}[random.nextInt(3)];
        INDArray before = net.params().dup();
        WidenSettings settings = new WidenSettings(r, new SplitOptions(threshold, random.nextBoolean(), Double.NaN), bits,
                LayerPolicy.defaults());
        ModelWidener.Widened w = ModelWidener.widen(net, settings, shape.toInputType());
        IdentityCheck check = IdentityCheck.onRandomInputs(net, w.model(), random.nextLong(), shape.withBatch(3));
        assertTrue(check.passes(TOLERANCE), what + " " + settings + ": " + check + "\n" + w.report().layers());
        assertTrue(check.maxAbsOutput() > 0, what + ": outputs are all zero");
        assertArrayEquals(before.toDoubleVector(), net.params().toDoubleVector(), 0.0, what + ": input model changed");
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        return TestNets.base(seed).dataType(DataType.DOUBLE);
    }

    private static Layer randomCnnLayer(Random random, boolean first) {
        int kind = first ? 0 : random.nextInt(7);
        return switch (kind) {
            case 0, 1 -> new ConvolutionLayer.Builder(3, 3).nOut(2 + random.nextInt(7))
                    .convolutionMode(ConvolutionMode.Same).activation(randomActivation(random)).build();
            case 2 -> new BatchNormalization.Builder().build();
            case 3 -> new ActivationLayer.Builder().activation(randomActivation(random)).build();
            case 4 -> new SubsamplingLayer.Builder(random.nextBoolean() ? PoolingType.MAX : PoolingType.AVG)
                    .kernelSize(2, 2).stride(1, 1).build();
            case 5 -> new ZeroPaddingLayer.Builder(1, 1).build();
            default -> new DropoutLayer.Builder(0.8).build();
        };
    }

    private static ConvolutionLayer conv(long nOut, Random random) {
        int k = random.nextBoolean() ? 1 : 3;
        return new ConvolutionLayer.Builder(k, k).nOut(nOut).convolutionMode(ConvolutionMode.Same)
                .activation(randomActivation(random)).build();
    }

    private static Activation randomActivation(Random random) {
        Activation[] choices = {Activation.IDENTITY, Activation.RELU, Activation.LEAKYRELU, Activation.TANH,
                Activation.SIGMOID, Activation.RELU6};
        return choices[random.nextInt(choices.length)];
    }
}
