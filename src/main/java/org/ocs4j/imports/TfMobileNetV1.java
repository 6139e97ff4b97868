package org.ocs4j.imports;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ocs4j.graph.Networks;
import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A TF-slim MobileNet v1 frozen graph (any width multiplier and resolution) rebuilt as a DL4J
 * {@link ComputationGraph} of DL4J layers — convolution, depthwise convolution, batch norm, ReLU6, average pooling
 * and a softmax output layer — with the weights decoded from the GraphDef's constants.
 *
 * <p>The DL4J graph takes NCHW input {@code [N, 3, H, W]} (the TF graph takes NHWC), RGB scaled
 * {@code (x − 127.5) / 127.5}. Its output has the TF graph's 1001 classes, index 0 being "background", so ImageNet
 * class {@code i} is output {@code i + 1}. The final 1×1 convolution on the 1×1 pooled map is the output layer's
 * dense weights (the same arithmetic). The tests check the rebuild against the original graph run by ND4J's SameDiff
 * TensorFlow import.
 */
public final class TfMobileNetV1 {

    /** Name of the DL4J graph's input. */
    public static final String INPUT = "input";
    /** Name of the DL4J graph's output layer. */
    public static final String OUTPUT = "Predictions";
    private static final String PREFIX = "MobilenetV1/MobilenetV1/";
    private static final String TF_OUTPUT = "MobilenetV1/Predictions/Reshape_1";

    private TfMobileNetV1() {
    }

    /**
     * @param frozenGraph a TF-slim MobileNet v1 frozen GraphDef ({@code .pb})
     * @return the network as DL4J layers, with the graph's weights
     * @throws IllegalArgumentException naming the node when the graph is not a TF-slim MobileNet v1
     */
    public static ComputationGraph importFrozenGraph(Path frozenGraph) {
        GraphDef graph = parse(frozenGraph);
        Rebuild r = new Rebuild(graph, frozenGraph);
        for (NodeDef n : graph.getNodeList()) {
            String op = n.getOp();
            if (op.equals("Conv2D") || op.equals("DepthwiseConv2dNative") || op.equals("AvgPool")) {
                r.add(n);
            }
        }
        return r.finish();
    }

    /** The DL4J graph being rebuilt from the frozen graph's layers, in the graph's order, and their weights. */
    private static final class Rebuild {
        private final Path frozenGraph;
        private final Map<String, NodeDef> byName = new HashMap<>();
        private final ComputationGraphConfiguration.GraphBuilder b;
        private final Map<String, INDArray> params = new HashMap<>();
        private String previous = INPUT;
        private String previousTf = "input";
        private boolean pooled;
        private boolean done;

        Rebuild(GraphDef graph, Path frozenGraph) {
            this.frozenGraph = frozenGraph;
            for (NodeDef n : graph.getNodeList()) {
                byName.put(n.getName(), n);
            }
            int[] inputHw = inputSize(graph, frozenGraph);
            b = new NeuralNetConfiguration.Builder().graphBuilder().addInputs(INPUT)
                    .setInputTypes(InputType.convolutional(inputHw[0], inputHw[1], 3));
        }

        /** Adds one Conv2D, DepthwiseConv2dNative or AvgPool node (with the batch norm and ReLU6 after a conv). */
        void add(NodeDef n) {
            String op = n.getOp();
            if (done) {
                throw notMobileNet(frozenGraph, n, "a " + op + " after the logits");
            }
            String input = GraphDefNodes.stripRead(n.getInput(0));
            if (!input.equals(previousTf) && !(pooled && input.equals("MobilenetV1/Logits/Dropout_1b/Identity"))) {
                throw notMobileNet(frozenGraph, n, "its input " + input + " is not the previous layer " + previousTf);
            }
            int[] strides = GraphDefNodes.hw(n, "strides");
            ConvolutionMode mode = mode(n, frozenGraph);
            if (op.equals("AvgPool")) {
                int[] k = GraphDefNodes.hw(n, "ksize");
                String name = "AvgPool_1a";
                b.addLayer(name, new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(k[0], k[1])
                        .stride(strides[0], strides[1]).convolutionMode(mode).build(), previous);
                previous = name;
                previousTf = n.getName();
                pooled = true;
                return;
            }
            INDArray w = GraphDefNodes.constant(byName, GraphDefNodes.stripRead(n.getInput(1)), frozenGraph);
            if (pooled) {
                logits(n, w);
            } else {
                convolution(n, w, strides, mode);
            }
        }

        /** The logits: a 1×1 conv with bias on the pooled map, rebuilt as a dense softmax output layer. */
        private void logits(NodeDef n, INDArray w) {
            String biasAdd = "MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd";
            NodeDef bias = byName.get(biasAdd);
            if (bias == null || w.size(0) != 1 || w.size(1) != 1) {
                throw notMobileNet(frozenGraph, n, "the logits are not a 1×1 convolution followed by " + biasAdd);
            }
            INDArray biases = GraphDefNodes.constant(byName, GraphDefNodes.stripRead(bias.getInput(1)), frozenGraph);
            b.addLayer(OUTPUT, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(w.size(3))
                    .activation(Activation.SOFTMAX).build(), previous);
            params.put(OUTPUT + "/W", w.reshape(w.size(2), w.size(3)));
            params.put(OUTPUT + "/b", biases.reshape(1, biases.length()));
            previous = OUTPUT;
            done = true;
        }

        /** A conv or depthwise conv, then its batch norm and ReLU6. */
        private void convolution(NodeDef n, INDArray w, int[] strides, ConvolutionMode mode) {
            String layer = layerName(n, frozenGraph);
            int[] k = {(int) w.size(0), (int) w.size(1)};
            if (n.getOp().equals("Conv2D")) {
                b.addLayer(layer, new ConvolutionLayer.Builder(k[0], k[1]).stride(strides[0], strides[1])
                        .nOut(w.size(3)).hasBias(false).convolutionMode(mode).activation(Activation.IDENTITY).build(),
                        previous);
                params.put(layer + "/W", w.permute(3, 2, 0, 1)); // TF [kh, kw, in, out] → DL4J [out, in, kh, kw]
            } else {
                b.addLayer(layer, new DepthwiseConvolution2D.Builder(k[0], k[1]).stride(strides[0], strides[1])
                        .depthMultiplier((int) w.size(3)).hasBias(false).convolutionMode(mode)
                        .activation(Activation.IDENTITY).build(), previous);
                params.put(layer + "/W", w); // both [kh, kw, in, multiplier]
            }
            String bn = layer + "/BatchNorm";
            String tfBn = "MobilenetV1/" + layer + "/BatchNorm/";
            double eps = GraphDefNodes.constant(byName, PREFIX + layer + "/BatchNorm/batchnorm/add/y", frozenGraph).getDouble(0);
            b.addLayer(bn, new BatchNormalization.Builder().eps(eps).useLogStd(false).build(), layer);
            params.put(bn + "/gamma", GraphDefNodes.constant(byName, tfBn + "gamma", frozenGraph));
            params.put(bn + "/beta", GraphDefNodes.constant(byName, tfBn + "beta", frozenGraph));
            params.put(bn + "/mean", GraphDefNodes.constant(byName, tfBn + "moving_mean", frozenGraph));
            params.put(bn + "/var", GraphDefNodes.constant(byName, tfBn + "moving_variance", frozenGraph));
            String relu = layer + "/Relu6";
            if (!byName.containsKey(PREFIX + relu)) {
                throw notMobileNet(frozenGraph, n, "no Relu6 after its batch norm");
            }
            b.addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU6).build(), bn);
            previous = relu;
            previousTf = PREFIX + relu;
        }

        /** Builds the network and fills in the graph's weights. */
        ComputationGraph finish() {
            if (!done) {
                throw new IllegalArgumentException(frozenGraph + " is not a TF-slim MobileNet v1 graph: no logits layer"
                        + " (MobilenetV1/Logits/Conv2d_1c_1x1) found");
            }
            b.setOutputs(OUTPUT);
            ComputationGraph net = Networks.withZeroParameters(b.build());
            for (Map.Entry<String, INDArray> e : params.entrySet()) {
                String[] parts = splitParam(e.getKey());
                INDArray target = net.getLayer(parts[0]).getParam(parts[1]);
                INDArray value = e.getValue().castTo(target.dataType());
                if (target.length() != value.length()) {
                    throw new IllegalStateException(parts[0] + " parameter " + parts[1] + ": the graph has "
                            + value.length() + " values, the DL4J layer " + target.length());
                }
                target.assign(value.reshape(target.shape()));
            }
            return net;
        }
    }

    /** @return the input {@code {height, width}} the frozen graph's {@code input} placeholder declares */
    public static int[] inputSize(Path frozenGraph) {
        return inputSize(parse(frozenGraph), frozenGraph);
    }

    private static GraphDef parse(Path frozenGraph) {
        requireFile(frozenGraph);
        try {
            return GraphDef.parseFrom(Files.readAllBytes(frozenGraph));
        } catch (IOException e) {
            throw new IllegalArgumentException(frozenGraph + " is not a readable TensorFlow GraphDef: "
                    + e.getMessage(), e);
        }
    }

    private static void requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("frozen graph " + p + " does not exist");
        }
    }

    private static int[] inputSize(GraphDef graph, Path file) {
        for (NodeDef n : graph.getNodeList()) {
            if (n.getOp().equals("Placeholder") && n.getName().equals("input")) {
                AttrValue shape = n.getAttrMap().get("shape");
                if (shape != null && shape.getShape().getDimCount() == 4) {
                    long h = shape.getShape().getDim(1).getSize();
                    long w = shape.getShape().getDim(2).getSize();
                    long c = shape.getShape().getDim(3).getSize();
                    if (h > 0 && w > 0 && c == 3) {
                        return new int[]{(int) h, (int) w};
                    }
                }
                throw notMobileNet(file, n, "the input placeholder is not [N, H, W, 3] with a known H and W");
            }
        }
        throw new IllegalArgumentException(file + " has no placeholder named \"input\": not a TF-slim MobileNet v1");
    }

    private static String layerName(NodeDef n, Path file) {
        String name = n.getName();
        if (!name.startsWith(PREFIX) || name.indexOf('/', PREFIX.length()) < 0) {
            throw notMobileNet(file, n, "its name is not under " + PREFIX);
        }
        return name.substring(PREFIX.length(), name.indexOf('/', PREFIX.length()));
    }

    private static ConvolutionMode mode(NodeDef n, Path file) {
        String format = n.getAttrMap().containsKey("data_format")
                ? n.getAttrMap().get("data_format").getS().toStringUtf8() : "NHWC";
        if (!format.equals("NHWC")) {
            throw notMobileNet(file, n, "data format " + format + " (expected NHWC)");
        }
        String padding = n.getAttrMap().get("padding").getS().toStringUtf8();
        return switch (padding) {
            case "SAME" -> ConvolutionMode.Same;
            case "VALID" -> ConvolutionMode.Truncate;
            default -> throw notMobileNet(file, n, "padding " + padding);
        };
    }

    private static String[] splitParam(String key) {
        int slash = key.lastIndexOf('/');
        return new String[]{key.substring(0, slash), key.substring(slash + 1)};
    }

    private static IllegalArgumentException notMobileNet(Path file, NodeDef n, String why) {
        return new IllegalArgumentException(file + " is not a TF-slim MobileNet v1 graph this importer knows: node "
                + n.getName() + " (" + n.getOp() + "): " + why);
    }
}
