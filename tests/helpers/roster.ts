import { demoIdNumber } from '../../src/features/demo/seed.js'

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红'

/**
 * A roster CSV of `n` people with Chinese names and valid, distinct ID numbers
 * (`batch` keeps files made in one test apart), as UTF-8 with a byte-order mark.
 */
export function rosterCsv (n: number, batch = 0): Buffer {
  const lines = ['姓名,身份证号,手机,学历']
  for (let i = 0; i < n; i++) {
    const name = SURNAMES[i % SURNAMES.length]! + GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]! + GIVEN[(i * 7 + batch) % GIVEN.length]!
    const day = new Date(Date.UTC(1975 + batch, 0, 1) + Math.floor(i / 900) * 86_400_000).toISOString().slice(0, 10)
    lines.push(`${name},${demoIdNumber('110105', day, i % 900)},138${String(i).padStart(8, '0')},${i % 3 === 0 ? '高中' : '初中'}`)
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n')])
}
