package org.ocs4j.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.Ocs;
import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.split.ChannelSplitter;
import org.ocs4j.split.SplitOptions;
import org.ocs4j.split.SplitResult;
import org.ocs4j.zoo.ZooModels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Widening speed on the zoo ResNet50 (seeded random weights): splitting every conv weight at r = 0.05 (target
 * ≤ 100 ms, aim 50 ms), and the whole widen (plan + rebuild + copy; target ≤ 5 s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class ResNet50Benchmarks {

    @Param({"0.05"})
    double expandRatio;

    @Param({"0", "8"})
    int gridAwareBits;

    ComputationGraph resnet;
    List<INDArray> convWeights;

    @Setup(Level.Trial)
    public void setUp() {
        resnet = (ComputationGraph) ZooModels.create("resnet50", 1);
        NetworkGraph graph = NetworkGraph.of(resnet);
        convWeights = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.kind() == NodeKind.CONV) {
                convWeights.add(graph.param(n, "W"));
            }
        }
    }

    /** The "planning": channel choice of all 53 ResNet50 conv weights, plain halving. */
    @Benchmark
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public void planChannelsOfAllConvs(Blackhole bh) {
        for (INDArray w : convWeights) {
            bh.consume(ChannelSplitter.planHalving(w, 1, ChannelSplitter.splitCount(expandRatio, w.size(1))));
        }
    }

    /** Channel choice and split weights of all 53 ResNet50 conv weights (axis 1 of [nOut, nIn, kH, kW]). */
    @Benchmark
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public void splitAllConvs(Blackhole bh) {
        for (INDArray w : convWeights) {
            int k = ChannelSplitter.splitCount(expandRatio, w.size(1));
            SplitOptions options = SplitOptions.PLAIN;
            if (gridAwareBits > 0) {
                options = options.withGridScale(((1 << (gridAwareBits - 1)) - 1) / w.amaxNumber().doubleValue());
            }
            SplitResult r = ChannelSplitter.split(w, 1, k, options);
            bh.consume(r);
        }
    }

    /** The whole widen of ResNet50 under the default policy: plan, rebuild the graph, copy every parameter. */
    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public void widenWholeModel(Blackhole bh) {
        bh.consume(Ocs.of(resnet).config(OcsConfig.builder().expandRatio(expandRatio).gridAware(gridAwareBits != 0)
                .weightBits(gridAwareBits != 0 ? gridAwareBits : 8).policy(LayerPolicy.defaults()).build()).widen()
                .model());
    }
}
