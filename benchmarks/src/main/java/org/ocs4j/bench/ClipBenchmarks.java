package org.ocs4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.quant.ClipEstimators;
import org.ocs4j.quant.ClipResult;
import org.ocs4j.quant.TensorStatistics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Clip-estimator speed on a 1M-element float tensor (targets: KL search ≤ 40 ms, MSE ≤ 10 ms). The statistics (both passes:
 * range, four histograms, mean absolute deviation) are measured separately, since a calibration computes them once
 * for every method.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClipBenchmarks {

    INDArray tensor;
    TensorStatistics statistics;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.getRandom().setSeed(1);
        tensor = Nd4j.randn(DataType.FLOAT, 1_000_000);
        statistics = TensorStatistics.of(tensor);
    }

    @Benchmark
    public TensorStatistics statisticsOf1M() {
        return TensorStatistics.of(tensor);
    }

    @Benchmark
    public ClipResult klSearch8Bits() {
        return ClipEstimators.kl(statistics, 8);
    }

    @Benchmark
    public ClipResult mseSearch8Bits() {
        return ClipEstimators.mse(statistics, 8);
    }

    @Benchmark
    public ClipResult klEndToEnd8Bits() {
        return ClipEstimators.kl(TensorStatistics.of(tensor), 8);
    }

    @Benchmark
    public ClipResult mseEndToEnd8Bits() {
        return ClipEstimators.mse(TensorStatistics.of(tensor), 8);
    }
}
