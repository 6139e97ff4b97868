package org.ocs4j.bench;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.exec.Executor;
import org.ocs4j.Ocs;
import org.ocs4j.pipeline.OcsConfig;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Inference speed on the zoo ResNet50, batch 16: FP32 through the fast executor (target ≥ 11 images/s; DL4J's own
 * output() measured alongside), and the W8A8-simulated model (target ≤ 1.15× the FP32 time on the same path). One
 * fork, same inputs; images/s = 16 / (seconds per call). With {@code -p executor=DL4J} both run on DL4J's own path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=10g",
        "-Dorg.bytedeco.javacpp.maxphysicalbytes=16g"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
public class FastInferenceBenchmarks {

    @Param({"FAST", "DL4J"})
    public String executor;

    ComputationGraph fp32;
    ComputationGraph w8a8;
    INDArray batch;
    Executor path;

    @Setup(Level.Trial)
    public void setUp() {
        path = Executor.valueOf(executor);
        fp32 = (ComputationGraph) ZooModels.create("resnet50", 1);
        Nd4j.getRandom().setSeed(2);
        batch = Nd4j.randn(DataType.FLOAT, 16, 3, 224, 224);
        DataSet calibration = new DataSet(Nd4j.randn(DataType.FLOAT, 8, 3, 224, 224), Nd4j.zeros(DataType.FLOAT, 8, 1));
        w8a8 = Ocs.of(fp32).config(OcsConfig.defaults())
                .calibrateOn(new ListDataSetIterator<>(List.of(calibration), 1)).quantize().model();
    }

    @Benchmark
    public INDArray resnet50Fp32Batch16() {
        return path.output(fp32, batch);
    }

    @Benchmark
    public INDArray resnet50W8A8Batch16() {
        return path.output(w8a8, batch);
    }
}
