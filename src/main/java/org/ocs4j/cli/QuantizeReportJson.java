package org.ocs4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.ocs4j.OcsModel;
import org.ocs4j.OcsReport;
import org.ocs4j.quant.QuantizedLayer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON report of {@code ocs4j quantize}: settings, OCS totals, layers worst first, calibration, provenance. */
final class QuantizeReportJson {

    private QuantizeReportJson() {
    }

    static String toJson(OcsModel<?> q, Map<String, Object> calibration) throws JsonProcessingException {
        OcsReport r = q.report();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", r.config().toString());
        if (!r.preparation().isEmpty()) {
            json.put("preparation", r.preparation());
        }
        if (r.identity() != null) {
            json.put("identity", r.identity());
        }
        if (r.activationSplitting() != null) {
            json.put("activationOcs", Map.of("expandRatio", r.config().activationExpandRatio(),
                    "splitLayers", r.activationSplitting().layers().size(),
                    "skippedLayers", r.activationSplitting().skipped().size(),
                    "extraWeights", r.activationSplitting().extraWeights()));
        }
        if (r.widening() != null) {
            json.put("ocs", Map.of("splitLayers", r.widening().layers().size(),
                    "extraWeights", r.widening().extraWeights()));
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (QuantizedLayer l : r.worstFirst()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.layer());
            m.put("type", l.layerType());
            m.put("weightBits", l.weightBits());
            m.put("weightAlpha", l.weightAlpha());
            m.put("weightSqnrDb", l.weightSqnrDb());
            if (!Double.isNaN(l.outputError())) {
                m.put("outputErrorVsFp32", l.outputError());
            }
            if (l.split() != null) m.put("ocs", l.split());
            if (l.activationGrid() != null) {
                m.put("activationAlpha", l.activationAlpha());
                m.put("activationGrid", l.activationGrid().toString());
                m.put("activationSqnrDb", l.activationSqnrDb());
            }
            layers.add(m);
        }
        json.put("layersWorstFirst", layers);
        if (r.config().quantizesActivations()) {
            Map<String, Object> cal = new LinkedHashMap<>(calibration);
            if (r.calibration() != null) cal.put("used", r.calibration());
            json.put("calibration", cal);
        }
        json.put("provenance", q.provenance());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
    }
}
