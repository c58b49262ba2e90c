// A standalone Aedes broker for tests: node broker.mjs PORT ID (loopback only).
import { createServer } from 'node:net'
import { Aedes } from 'aedes'

const [port, id] = process.argv.slice(2)
const broker = await Aedes.createBroker({ id })
const server = createServer(broker.handle)
server.listen(Number(port), '127.0.0.1', () => console.log('listening ' + port))
const stop = () => server.close(() => broker.close(() => process.exit(0)))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
