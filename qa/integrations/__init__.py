"""Adapters that put the package where people already work: LangChain (``qa.integrations.langchain``); the HTTP
server and the MCP server are ``qa.server`` and ``qa.mcp_server``.  Each imports its framework only when used."""
