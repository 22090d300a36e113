/**
 * Source citations (a question's `source` field), pure: one table of every tag
 * the validator accepts and of every subject a "common practice", "Outline" or
 * occupational-standard citation may name, and the renderer that writes a
 * citation in the reader's language. `Reg. art. 16` reads
 * `《保安服务管理条例》第十六条`; `common practice: gatekeeping` reads
 * `行业通行做法：门卫`.
 */

interface LawTag { kind: 'law', tag: string, zh: string }
interface SubjectTag { kind: 'subject', tag: string, zh: string }
interface StandardTag { kind: 'standard', tag: string }
type Tag = LawTag | SubjectTag | StandardTag

/** Every tag a source may start with, with the Chinese it reads as. */
const TAGS: readonly Tag[] = [
  { kind: 'law', tag: 'Reg.', zh: '《保安服务管理条例》' },
  { kind: 'law', tag: 'Measures', zh: '《公安机关实施保安服务管理条例办法》' },
  { kind: 'law', tag: 'PSAPL', zh: '《中华人民共和国治安管理处罚法》' },
  { kind: 'law', tag: 'CL', zh: '《中华人民共和国刑法》' },
  { kind: 'law', tag: 'CPL', zh: '《中华人民共和国刑事诉讼法》' },
  { kind: 'law', tag: 'FPL', zh: '《中华人民共和国消防法》' },
  { kind: 'law', tag: 'PMR', zh: '《物业管理条例》' },
  { kind: 'law', tag: 'ISR', zh: '《企业事业单位内部治安保卫条例》' },
  { kind: 'law', tag: 'Civil Code', zh: '《中华人民共和国民法典》' },
  { kind: 'law', tag: 'RTSLIR', zh: '《中华人民共和国道路交通安全法实施条例》' },
  { kind: 'law', tag: 'Constitution', zh: '《中华人民共和国宪法》' },
  { kind: 'law', tag: 'ATL', zh: '《中华人民共和国反恐怖主义法》' },
  { kind: 'law', tag: 'Labour Law', zh: '《中华人民共和国劳动法》' },
  { kind: 'law', tag: 'LCL', zh: '《中华人民共和国劳动合同法》' },
  { kind: 'law', tag: 'SIL', zh: '《中华人民共和国社会保险法》' },
  { kind: 'law', tag: 'WIIR', zh: '《工伤保险条例》' },
  { kind: 'law', tag: 'ERL', zh: '《中华人民共和国突发事件应对法》' },
  { kind: 'law', tag: 'LMER', zh: '《大型群众性活动安全管理条例》' },
  { kind: 'law', tag: 'SESL', zh: '《中华人民共和国特种设备安全法》' },
  { kind: 'law', tag: 'GCL', zh: '《中华人民共和国枪支管理法》' },
  { kind: 'law', tag: 'CKS', zh: '《管制刀具认定标准》' },
  { kind: 'subject', tag: 'Outline', zh: '保安员资格考试大纲' },
  { kind: 'subject', tag: 'common practice', zh: '行业通行做法' },
  { kind: 'standard', tag: 'GB' },
  { kind: 'standard', tag: 'GB/T' },
  { kind: 'subject', tag: 'National Occupational Standard', zh: '《保安员国家职业标准》' }
]

/** Longest first, so that `GB/T` is tried before `GB` and `CPL` is not read as `CL`. */
const MATCH_ORDER = [...TAGS].sort((a, b) => b.tag.length - a.tag.length)

export const SOURCE_TAGS: readonly string[] = TAGS.map((t) => t.tag)

/** National standards a source may name, by number, with their Chinese titles. */
export const STANDARDS: Readonly<Record<string, string>> = {
  'GB 50140-2005': '建筑灭火器配置设计规范',
  'GB/T 4968-2008': '火灾分类',
  'GB 25506-2010': '消防控制室通用技术要求'
}

/** What a PSAPL citation may say besides article numbers of the law in force. */
const PSAPL_NOTES: Readonly<Record<string, string>> = {
  '2025 revision': '（2025年修订）'
}

/**
 * The subjects of `common practice: …`, `Outline: …` and `National Occupational
 * Standard …` citations, with their Chinese. A new subject is added here, so
 * that every citation reads in both languages.
 */
export const SUBJECTS: Readonly<Record<string, string>> = {
  // Outline (the national examination outline)
  'cognitive levels': '认知层次',
  'content areas': '考试内容',
  'exam format': '考试形式',
  'sample items (entrance guarding)': '样题（出入口守卫）',
  'sample items (features of security service)': '样题（保安服务的特征）',
  'sample items (first aid)': '样题（现场救护）',
  'sample items (indoor hydrant system)': '样题（室内消火栓系统）',
  'sample items (occupational standard levels)': '样题（职业标准等级）',
  // National Occupational Standard editions
  'for security guards (2019 edition)': '（2019年版）',
  'for security guards (trial, 2006)': '（2006年试行）',
  'for security guards (保安员国家职业标准)': '',
  'for security guards (trial, 2006, and 2019 edition)': '（2006年试行版和2019年版）',
  // common practice
  'MPS exam notice': '公安部考试通知',
  'armed escort': '武装押运',
  'armed escort and armed guarding': '武装守护押运',
  'armed guarding': '武装守护',
  "basic requirements of guards' ethics": '保安员职业道德基本要求',
  'civil service': '文明服务',
  'conduct rules': '行为规范',
  confidentiality: '保守秘密',
  'cooking-oil fires': '食用油火灾',
  'dress rules': '着装规范',
  'duty discipline': '值勤纪律',
  'duty records': '值班记录',
  'electrical fires': '电气火灾',
  'emergency calls': '紧急报警电话',
  'emergency handling (bomb threats)': '应急处置（爆炸威胁）',
  'emergency handling (disputes)': '应急处置（纠纷）',
  'emergency handling (fire)': '应急处置（火灾）',
  'emergency handling (lost child)': '应急处置（走失儿童）',
  'emergency handling (suspicious objects)': '应急处置（可疑物品）',
  'emergency handling (theft)': '应急处置（盗窃）',
  'emergency handling (violent incidents)': '应急处置（暴力事件）',
  'emergency numbers': '紧急求助电话',
  'ethics and law': '道德与法律',
  evacuation: '人员疏散',
  'extinguisher inspection': '灭火器检查',
  'extinguisher placement': '灭火器设置',
  'features and tasks of security service': '保安服务的特征与任务',
  'fire extinguisher operation': '灭火器操作',
  'fire response': '火灾处置',
  'fire theory (extinguishing methods)': '燃烧常识（灭火方法）',
  'fire theory (fire tetrahedron)': '燃烧常识（燃烧四面体）',
  'fire theory (fire triangle)': '燃烧常识（燃烧三要素）',
  'first aid': '现场救护',
  'first aid (AED)': '现场救护（AED）',
  'first aid (CPR)': '现场救护（心肺复苏）',
  'first aid (bleeding)': '现场救护（止血）',
  'first aid (burns)': '现场救护（烧烫伤）',
  'first aid (consent)': '现场救护（征得同意）',
  'first aid (earthquake rescue)': '现场救护（地震救援）',
  'first aid (electric shock)': '现场救护（触电）',
  'first aid (electric shock, CPR)': '现场救护（触电、心肺复苏）',
  'first aid (fractures)': '现场救护（骨折）',
  'first aid (gas poisoning)': '现场救护（煤气中毒）',
  'first aid (nosebleed)': '现场救护（鼻出血）',
  'first aid (pressure dressing)': '现场救护（加压包扎）',
  'first aid (spinal injury)': '现场救护（脊柱损伤）',
  'first aid (tourniquet)': '现场救护（止血带）',
  'found property': '拾得物品',
  'gas leaks': '燃气泄漏',
  gatekeeping: '门卫',
  'gatekeeping (entrance flow)': '门卫（出入口疏导）',
  'gatekeeping (goods checks)': '门卫（物品查验）',
  'gatekeeping (registration)': '门卫（登记）',
  'gatekeeping (vehicle checks)': '门卫（车辆查验）',
  'gatekeeping (verification and observation)': '门卫（验证与观察）',
  'gatekeeping (verification methods)': '门卫（验证方法）',
  'gatekeeping checks and records': '门卫查验与记录',
  'grooming rules': '仪容仪表规范',
  'handling complaints': '投诉处理',
  'history of the security industry': '保安行业发展史',
  'honesty and integrity': '诚实守信与廉洁',
  'honesty and trustworthiness': '诚实守信',
  'incident reports': '情况报告',
  'indoor hydrants': '室内消火栓',
  'indoor hydrants (fire-service inlet)': '室内消火栓（水泵接合器）',
  'integrity and self-discipline': '廉洁自律',
  'law-abiding conduct': '遵纪守法',
  'local exam notices': '地方考试通知',
  'lost children': '走失儿童',
  'love of post and dedication': '爱岗敬业',
  'loyalty and devotion': '忠于职守',
  'nature of professional ethics': '职业道德的性质',
  'norms of professional ethics': '职业道德规范',
  'order at large events': '大型活动秩序维护',
  'order at large events and crowded places': '大型活动和人员密集场所秩序维护',
  patrol: '巡逻',
  'patrol (anomalies)': '巡逻（异常情况）',
  'patrol and emergency handling': '巡逻与应急处置',
  'patrol forms': '巡逻方式',
  'patrol methods': '巡逻方法',
  'patrol methods and forms': '巡逻方法与方式',
  'provincial police notice on property security': '省级公安机关关于物业保安的通知',
  'provincial property-security notices': '省级物业保安管理通知',
  'radio use': '对讲机使用',
  'reporting a fire to 119': '拨打119报警',
  'respect for minority customs': '尊重少数民族风俗习惯',
  'scene protection': '现场保护',
  'security businesses': '保安服务业务',
  'service language': '服务用语',
  'serving people': '服务群众',
  'shift handover': '交接班',
  'target guarding': '目标守护',
  'target guarding (fixed posts)': '目标守护（固定岗）',
  'target guarding (post types)': '目标守护（岗位类型）',
  'tasks of security service': '保安服务的任务',
  'technical prevention (biometric access)': '技术防范（生物识别门禁）',
  'technical prevention (car park entry)': '技术防范（停车场出入口）',
  'technical prevention (equipment types)': '技术防范（设备类型）',
  'technical prevention (explosives screening)': '技术防范（爆炸物检查）',
  'technical prevention (perimeter alarms)': '技术防范（周界报警）',
  'traffic guidance': '交通疏导',
  'unity and mutual help': '团结互助',
  // added for release 2026.3 (new topics)
  'crowd crush': '踩踏事件处置',
  'mass incidents': '群体性事件处置',
  'lift entrapment': '电梯困人处置',
  floods: '防汛',
  earthquakes: '地震应对',
  'fire control room': '消防控制室值班',
  'self-protection': '自我防护',
  'protective equipment': '防护装备使用',
  'security screening': '安全检查',
  'prohibited items': '违禁品识别',
  'key units': '治安保卫重点单位',
  'internal security': '内部治安保卫',
  'car park management': '停车场管理',
  'anti-terrorism drills': '反恐演练',
  'suspicious persons': '可疑人员处置'
}

export interface SourcePart { tag: Tag, rest: string }

const DIGITS = '零一二三四五六七八九'

/** 16 → 十六, 942 → 九百四十二, 105 → 一百零五, as article numbers are written. */
export function chineseNumber (n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9999) return String(n)
  if (n < 10) return DIGITS[n]!
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`
  const units: Array<[number, string]> = [[1000, '千'], [100, '百'], [10, '十']]
  let out = ''
  let rest = n
  let zero = false
  for (const [size, name] of units) {
    const d = Math.floor(rest / size)
    rest %= size
    if (d) { out += `${zero ? '零' : ''}${DIGITS[d]}${name}`; zero = false } else if (out) zero = true
  }
  if (rest) out += `${zero ? '零' : ''}${DIGITS[rest]}`
  return out
}

// One article reference: 16, 17(2), 17(3)–(4), 29-30, 30(5)
const ITEM = /^(\d{1,4})(?:\((\d{1,2})\))?(?:\s*[-–]\s*(?:(\d{1,4})(?:\((\d{1,2})\))?|\((\d{1,2})\)))?$/

/** `art. 16` / `arts. 2, 30(1)` / `header` (the note under a law's title) in Chinese, or undefined when it is not such a reference. */
function zhArticles (rest: string): string | undefined {
  if (rest === 'header') return '题注'
  const m = /^arts?\.\s+(.+)$/.exec(rest)
  if (!m) return undefined
  const parts = m[1]!.split(/\s*,\s*/)
  const out: string[] = []
  for (const p of parts) {
    const i = ITEM.exec(p)
    if (!i) return undefined
    const [, a, item, a2, item2, itemOnly] = i
    const art = (n: string) => `第${chineseNumber(Number(n))}条`
    const sub = (n: string) => `第（${chineseNumber(Number(n))}）项`
    let s = art(a!) + (item ? sub(item) : '')
    if (a2) s += `至${art(a2)}${item2 ? sub(item2) : ''}`
    else if (itemOnly) s += `至${sub(itemOnly)}`
    out.push(s)
  }
  return out.join('、')
}

/** Splits a source into its citations; undefined with a message when one is not in the table. */
export function parseSource (source: string): { parts: SourcePart[] } | { error: string } {
  const parts: SourcePart[] = []
  for (const raw of source.split(';')) {
    const s = raw.trim()
    if (!s) return { error: 'an empty citation between semicolons' }
    const found = MATCH_ORDER.find((t) => s === t.tag || (s.startsWith(t.tag) && /[\s:;,(]/.test(s[t.tag.length] ?? '')))
    // "common practice: patrol; duty records": a second subject of the same kind needs no tag again.
    const previous = parts[parts.length - 1]?.tag
    const tag = found ?? (previous?.kind === 'subject' && s in SUBJECTS ? previous : undefined)
    if (!tag) return { error: `"${s}" must start with one of ${SOURCE_TAGS.join(', ')}` }
    const rest = found ? s.slice(tag.tag.length).replace(/^\s*:?\s*/, '').trim() : s
    const err = checkPart(tag, rest, s)
    if (err) return { error: err }
    parts.push({ tag, rest })
  }
  return { parts }
}

function checkPart (tag: Tag, rest: string, whole: string): string | undefined {
  if (tag.kind === 'law') {
    if (tag.tag === 'PSAPL') {
      if (/2012/.test(rest)) return `"${whole}": the 2012 text of the PSAPL is no longer in force; cite the law in force (PSAPL, PSAPL art. N of the 2025 text, or "PSAPL: 2025 revision")`
      if (rest === '' || rest in PSAPL_NOTES) return undefined
    }
    if (!rest) return `"${whole}" must be followed by the article or section`
    if (!zhArticles(rest)) return `"${whole}": write the article as "art. 16", "arts. 29-30", "art. 17(2)" or "header" (the note under the title)`
    return undefined
  }
  if (tag.kind === 'standard') {
    const m = /^(\S+)(?:\s+cl\.\s+([\d.]+))?$/.exec(rest)
    if (!rest) return `"${whole}" must be followed by the standard's number`
    if (!m || !(`${tag.tag} ${m[1]}` in STANDARDS)) return `"${whole}": the standard ${tag.tag} ${m?.[1] ?? rest} is not in the table of standards (src/features/bank/sources.ts); write "${tag.tag} <number> cl. <clause>"`
    return undefined
  }
  if (!rest) return `"${whole}" must be followed by the article or section`
  if (!(rest in SUBJECTS)) return `"${whole}": the subject "${rest}" is not in the table of subjects (src/features/bank/sources.ts), so it has no Chinese; use a subject from the table or add one`
  return undefined
}

/**
 * The single references a source cites, one per article (items and ranges
 * opened up: `Reg. arts. 29-30, 31(2)` gives `Reg. art. 29`, `Reg. art. 30` and
 * `Reg. art. 31`), subjects and standards as written. A topic's sources file
 * lists its facts by these references, so a question can be checked against it.
 */
export function citedReferences (source: string): string[] {
  const parsed = parseSource(source)
  if ('error' in parsed) return []
  const out: string[] = []
  for (const { tag, rest } of parsed.parts) {
    const m = tag.kind === 'law' ? /^arts?\.\s+(.+)$/.exec(rest) : null
    if (!m) { out.push(tag.kind === 'standard' ? `${tag.tag} ${rest}` : rest ? `${tag.tag}${tag.kind === 'subject' && tag.tag !== 'National Occupational Standard' ? ':' : ''} ${rest}` : tag.tag); continue }
    for (const item of m[1]!.split(/\s*,\s*/)) {
      const i = ITEM.exec(item)!
      const from = Number(i[1])
      const to = i[3] ? Number(i[3]) : from
      for (let a = from; a <= to && a - from < 200; a++) out.push(`${tag.tag} art. ${a}`)
    }
  }
  return out
}

/** The citation as the reader reads it: Chinese from the table, English as written. */
export function sourceText (source: string, locale: string): string {
  if (locale !== 'zh') return source
  // A bank cites a few hundred distinct sources; a review page renders a hundred of them.
  let zh = zhSources.get(source)
  if (zh === undefined) zhSources.set(source, (zh = zhSource(source)))
  return zh
}

const zhSources = new Map<string, string>()

function zhSource (source: string): string {
  const parsed = parseSource(source)
  if ('error' in parsed) return source
  return parsed.parts.map(({ tag, rest }) => {
    if (tag.kind === 'law') {
      if (tag.tag === 'PSAPL' && (rest === '' || rest in PSAPL_NOTES)) return `${tag.zh}${PSAPL_NOTES[rest] ?? ''}`
      return `${tag.zh}${zhArticles(rest) ?? rest}`
    }
    if (tag.kind === 'standard') {
      const [, num, clause] = /^(\S+)(?:\s+cl\.\s+([\d.]+))?$/.exec(rest)!
      const code = `${tag.tag} ${num}`
      return `《${STANDARDS[code]}》（${code}）${clause ? `第${clause}条` : ''}`
    }
    const subject = SUBJECTS[rest] ?? rest
    if (tag.tag === 'National Occupational Standard') return `${tag.zh}${subject}`
    return `${tag.zh}：${subject}`
  }).join('；')
}
