import Foundation
import Testing
import TestSupport

/// `citytwin sumo` end to end on a small network written here: outputs with SUMO's key names,
/// identical bytes for the same seed, and one-line errors with file and line for bad input.
@Suite(.serialized) struct SumoCLITests {
    static let net = """
    <net version="1.20">
        <edge id=":J_0" function="internal"><lane id=":J_0_0" index="0" speed="13.89" length="10.00"/></edge>
        <edge id="in" from="A" to="J"><lane id="in_0" index="0" speed="13.89" length="300.00"/></edge>
        <edge id="out" from="J" to="B"><lane id="out_0" index="0" speed="13.89" length="300.00"/></edge>
        <tlLogic id="J" type="static" programID="0" offset="0">
            <phase duration="30" state="G"/><phase duration="3" state="y"/><phase duration="27" state="r"/>
        </tlLogic>
        <junction id="A" type="dead_end" x="0" y="0"/>
        <junction id="J" type="traffic_light" x="300" y="0" incLanes="in_0" intLanes=":J_0_0">
            <request index="0" response="0" foes="0" cont="0"/>
        </junction>
        <junction id="B" type="dead_end" x="610" y="0"/>
        <connection from="in" to="out" fromLane="0" toLane="0" via=":J_0_0" tl="J" linkIndex="0" dir="s" state="O"/>
        <connection from=":J_0" to="out" fromLane="0" toLane="0" dir="s" state="M"/>
    </net>
    """
    static let routes = """
    <routes>
        <vType id="car" accel="2.6" decel="4.5" sigma="0.5" tau="1" length="5" minGap="2.5" maxSpeed="55.56"/>
        <route id="r" edges="in out"/>
        <flow id="f" type="car" begin="0" end="600" vehsPerHour="600" route="r"/>
    </routes>
    """

    @Test func runsAndWritesOutputs() throws {
        let tmp = TemporaryFolder()
        let routes = Self.routes
        try Self.net.write(toFile: tmp.path + "/n.net.xml", atomically: true, encoding: .utf8)
        try routes.write(toFile: tmp.path + "/r.rou.xml", atomically: true, encoding: .utf8)
        var summaries: [String] = []
        for k in 0..<2 {
            let r = try citytwin("sumo", "--net", tmp.path + "/n.net.xml", "--routes", tmp.path + "/r.rou.xml", "--end", "900",
                                 "--summary", tmp.path + "/s\(k).json", "--tripinfo", tmp.path + "/t\(k).csv",
                                 "--approaches", tmp.path + "/a.csv", "--edge-data", tmp.path + "/e.csv", "--seed", "5")
            #expect(r.status == 0, "\(r.err)")
            summaries.append(try String(contentsOfFile: tmp.path + "/t\(k).csv", encoding: .utf8))
        }
        #expect(summaries[0] == summaries[1], "same seed, same trips")
        let s = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.path + "/s0.json"))) as! [String: Any]
        let v = s["vehicles"] as! [String: Any], t = s["trips"] as! [String: Any]
        #expect(v["inserted"] as? Int == 100 && v["arrived"] as? Int == 100 && v["running"] as? Int == 0)
        #expect((t["mean_travel_time_s"] as? Double ?? 0) > 610 / 13.89)
        for k in ["vehicle_steps", "teleports", "cpu_time_s", "ups_cpu", "kpis"] { #expect(s[k] != nil, "key \(k)") }
        let approaches = try String(contentsOfFile: tmp.path + "/a.csv", encoding: .utf8)
        #expect(approaches.contains("J,in,100,"))
        #expect(summaries[0].split(separator: "\n").count == 101)
    }

    @Test func refusesUnknownEdgeWithLine() throws {
        let tmp = TemporaryFolder()
        try Self.net.write(toFile: tmp.path + "/n.net.xml", atomically: true, encoding: .utf8)
        try Self.routes.replacingOccurrences(of: "edges=\"in out\"", with: "edges=\"in gone\"")
            .write(toFile: tmp.path + "/r.rou.xml", atomically: true, encoding: .utf8)
        let r = try citytwin("sumo", "--net", tmp.path + "/n.net.xml", "--routes", tmp.path + "/r.rou.xml", "--end", "60",
                             "--summary", tmp.path + "/s.json")
        #expect(r.status == 2)
        #expect(r.err.contains("r.rou.xml:3: E500"), "\(r.err)")
        #expect(r.err.contains("unknown edge gone"))
        #expect(!FileManager.default.fileExists(atPath: tmp.path + "/s.json"))
    }

    /// `--od` with a CSV matrix and a profile: the matrix's vehicles are the demand, departures follow
    /// the profile; an OD row naming an unknown edge is one error line with the matrix file and line.
    @Test func runsAnODMatrix() throws {
        let tmp = TemporaryFolder()
        try Self.net.write(toFile: tmp.path + "/n.net.xml", atomically: true, encoding: .utf8)
        try "from,to,vehicles,begin,end\nin,out,40,0,600\n".write(toFile: tmp.path + "/od.csv", atomically: true, encoding: .utf8)
        let r = try citytwin("sumo", "--net", tmp.path + "/n.net.xml", "--od", tmp.path + "/od.csv", "--od-profile", "0:3,300:1",
                             "--end", "1200", "--summary", tmp.path + "/s.json", "--tripinfo", tmp.path + "/t.csv")
        #expect(r.status == 0, "\(r.err)")
        let s = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.path + "/s.json"))) as! [String: Any]
        let v = s["vehicles"] as! [String: Any]
        #expect(v["loaded"] as? Int == 40 && v["arrived"] as? Int == 40, "\(v)")
        let rows = try String(contentsOfFile: tmp.path + "/t.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let early = rows.filter { (Double($0.split(separator: ",")[1]) ?? 999) < 300 }.count
        #expect(early == 30, "weights 3:1 over two halves of 600 s put 30 of 40 departures in the first half")
        try "from,to,vehicles\nin,out,4\nin,nowhere,2\n".write(toFile: tmp.path + "/bad.csv", atomically: true, encoding: .utf8)
        let b = try citytwin("sumo", "--net", tmp.path + "/n.net.xml", "--od", tmp.path + "/bad.csv", "--end", "60", "--summary", tmp.path + "/b.json")
        #expect(b.status == 2)
        #expect(b.err.contains("bad.csv:3: E500") && b.err.contains("nowhere"), "\(b.err)")
    }
}
