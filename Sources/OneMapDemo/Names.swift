/// Deterministic, plausible names for generated features. The names are invented; only
/// the district boundary and the subdistrict names are real.
enum Names {
    static let communities = [
        "康和", "康城", "园丁", "乌兰", "通达", "兰溪", "康馨", "书香", "雅苑", "锦绣", "金地", "滨湖", "丽日", "康宁", "春晓", "文汇", "北苑",
        "福润", "振兴", "阳光", "和谐", "碧水", "青城", "东胜", "新华", "团结", "友谊", "民族", "康泰", "安居",
    ]

    private static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
    private static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志鑫宇浩凯晨欣雪琳婷丹海峰亮健斌波宁")

    static func person(_ random: inout SeededRandom) -> String {
        var name = String(random.element(surnames)) + String(random.element(given))
        if random.unit() < 0.6 { name += String(random.element(given)) }
        return name
    }

    static let streetStems = ["康巴什", "乌兰木伦", "伊金霍洛", "鄂尔多斯", "青春山", "哈巴格希", "滨河", "文化", "团结", "民族", "友谊", "和平", "建设", "迎宾", "纬一", "纬二",
                              "纬三", "经一", "经二", "经三", "北郊", "南郊"]

    static func street(_ index: Int, eastWest: Bool) -> String {
        let stem = streetStems[abs(index) % streetStems.count]
        let round = abs(index) / streetStems.count
        return stem + (round > 0 ? "\(round + 1)" : "") + (eastWest ? "街" : "路")
    }
}
